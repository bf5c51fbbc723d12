"""The catalogue covers exactly the built columns, words values for people and renders the doc."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.features import CATEGORICAL, FEATURES, MONOTONE, build_features, describe
from scoring.features.catalogue import render_markdown
from scoring.features.families import FAMILIES, FAMILY_ZH
from scoring.features.families.base import FeatureSpec, Unit

DOC = Path(__file__).resolve().parents[3] / "docs" / "features.md"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_catalogue_covers_exactly_the_built_columns(sources: dict[str, pd.DataFrame]) -> None:
    features = build_features(sources, as_of=date(2025, 11, 1))
    assert list(features.columns) == list(FEATURES)
    assert 40 <= len(FEATURES) <= 65
    for name, dtype in features.dtypes.items():
        expected = "category" if name in CATEGORICAL else "float64"
        assert str(dtype) == expected, name
    assert set(CATEGORICAL) == {"reg_industry_section", "reg_district", "reg_entity_type"}


def test_every_feature_is_named_explained_and_worded() -> None:
    for family in FAMILIES:
        assert family.SPECS and family.FAMILY in FAMILY_ZH
        for spec in family.SPECS:
            assert spec.family == family.FAMILY
            assert CHINESE.search(spec.zh), spec.name
            assert CHINESE.search(spec.reason_template) and "{value}" in spec.reason_template
            assert spec.definition.endswith(".") or spec.definition.endswith(")"), spec.name
            assert re.fullmatch(r"[a-z][a-z0-9_]+", spec.name)


def test_monotone_directions_are_known_only_where_they_make_sense() -> None:
    assert {name: spec.direction for name, spec in FEATURES.items()} == MONOTONE
    assert all(MONOTONE[name] == 0 for name in CATEGORICAL)
    for name in (
        "pc_active_penalties",
        "pc_active_dishonest_debtor",
        "tax_grade",
        "util_arrears_months_12m",
        "loan_ever_dpd90",
        "ss_underpaid_months_12m",
    ):
        assert MONOTONE[name] == -1, name  # fmt: skip
    for name in ("util_kwh_yoy", "tax_sales_yoy", "ss_paid_ratio_12m", "reg_age_months"):
        assert MONOTONE[name] == +1, name
    assert MONOTONE["reg_capital_log"] == 0 and MONOTONE["tax_sales_12m"] == 0


def test_a_spec_needs_a_placeholder_and_a_valid_direction() -> None:
    fields = {"zh": "测试", "family": "tax", "definition": "x.", "unit": Unit.COUNT, "source": "s"}
    with pytest.raises(ValueError, match="placeholder"):
        FeatureSpec(name="x", direction=0, reason_template="没有占位符", **fields)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="direction"):
        FeatureSpec(name="x", direction=2, reason_template="{value}", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("util_kwh_yoy", -0.354, "近12个月用电量同比下降 35%"),
        ("tax_sales_yoy", 0.12, "近12个月开票销售额同比增长 12%"),
        ("util_kwh_trend_3m", 0.002, "最近3个月用电量较前3个月基本持平"),
        ("pc_penalty_amount_36m", 125_000.0, "近3年行政处罚罚没金额合计12.5 万元"),
        ("util_arrears_latest", 850.0, "最近一个月水电气欠费850 元"),
        ("reg_capital_log", float(np.log1p(1_000_000)), "注册资本为100 万元"),
        ("pc_penalties_12m", 3.0, "近12个月受到行政处罚3次"),
        ("tax_zero_tax_months_12m", 4.0, "近12个月中有4个月实缴税额为零"),
        ("reg_age_months", 63.2, "企业已成立5 年 3 个月"),
        ("pc_months_since_negative", 14.0, "距最近一次不良信用记录已14 个月"),
        ("tax_grade", 2.0, "最近一次纳税信用等级为B级"),
        ("pc_active_dishonest_debtor", 1.0, "有未移出的失信被执行人记录"),
        ("pc_active_dishonest_debtor", 0.0, "无未移出的失信被执行人记录"),
        ("ss_paid_ratio_12m", 0.8, "近12个月社保实缴金额占应缴的80%"),
        ("util_kwh_12m", 123_456.0, "近12个月用电量12.3 万千瓦时"),
        ("reg_size_class", 2.0, "企业规模为小型企业"),
        ("reg_industry_section", "C", "所属行业为制造业"),
        ("reg_district", "330523", "所在区县为安吉县"),
        ("reg_entity_type", "individual_business", "主体类型为个体工商户"),
        ("util_kwh_yoy", float("nan"), "近12个月用电量同比变化暂无数据"),
        ("reg_district", None, "所属区县暂无数据"),
    ],
)
def test_describe_words_values_for_a_business_owner(name: str, value: object, text: str) -> None:
    assert describe(name, value) == text


def test_describe_refuses_an_unknown_feature() -> None:
    with pytest.raises(KeyError):
        describe("no_such_feature", 1.0)


def test_docs_features_md_is_generated_from_the_code() -> None:
    rendered = render_markdown()
    assert DOC.read_text(encoding="utf-8") == rendered, (
        'regenerate: .venv/bin/python -c "from scoring.features.catalogue import '
        "render_markdown as r; open('docs/features.md', 'w', encoding='utf-8').write(r())\""
    )
    for name, spec in FEATURES.items():
        assert f"`{name}` | {spec.zh} |" in rendered
