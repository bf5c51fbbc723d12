"""The feature catalogue (特征目录): every feature's spec, its direction, its wording and the doc.

Specs are declared in the family modules next to the code that computes them; this module only
collects them. ``docs/features.md`` is the output of ``render_markdown``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from app.enterprises.divisions import district_name
from app.enterprises.industry import SECTIONS
from scoring.features.families import FAMILIES, FAMILY_ZH
from scoring.features.families.base import FeatureSpec, Unit

__all__ = ["CATEGORICAL", "FEATURES", "MONOTONE", "FeatureSpec", "describe", "render_markdown"]


def _collect() -> dict[str, FeatureSpec]:
    features: dict[str, FeatureSpec] = {}
    for family in FAMILIES:
        for spec in family.SPECS:
            if spec.name in features:
                raise ValueError(f"feature {spec.name} is declared twice")
            features[spec.name] = spec
    return features


FEATURES: dict[str, FeatureSpec] = _collect()
# +1 larger is better (lower risk), -1 larger is worse, 0 unconstrained: LightGBM's constraints.
MONOTONE: dict[str, int] = {name: spec.direction for name, spec in FEATURES.items()}
CATEGORICAL: tuple[str, ...] = tuple(name for name, spec in FEATURES.items() if spec.categorical)

GRADES = {1: "A", 2: "B", 3: "M", 4: "C", 5: "D"}
SIZE_CLASSES = {1: "微型", 2: "小型", 3: "中型", 4: "大型"}
ENTITY_TYPES = {
    "enterprise": "企业",
    "individual_business": "个体工商户",
    "farmers_cooperative": "农民专业合作社",
}


def _trim(number: float) -> str:
    """One decimal at most: 12.0 -> "12", 12.34 -> "12.3"."""
    return f"{number:,.1f}".removesuffix(".0")


def _yuan(value: float) -> str:
    return f"{_trim(value / 10_000)} 万元" if abs(value) >= 10_000 else f"{value:,.0f} 元"


def _kwh(value: float) -> str:
    return f"{_trim(value / 10_000)} 万千瓦时" if abs(value) >= 10_000 else f"{value:,.0f} 千瓦时"


def _change(value: float) -> str:
    percent = round(abs(value) * 100)
    if percent == 0:
        return "基本持平"
    return f"{'下降' if value < 0 else '增长'} {percent}%"


def _months(value: float) -> str:
    months = max(round(value), 0)
    if months < 24:
        return f"{months} 个月"
    years, rest = divmod(months, 12)
    return f"{years} 年" if rest == 0 else f"{years} 年 {rest} 个月"


FORMATS: dict[Unit, Callable[[float], str]] = {
    Unit.YUAN: _yuan,
    Unit.LOG_YUAN: lambda v: _yuan(math.expm1(v)),
    Unit.KWH: _kwh,
    Unit.MONTHS: _months,
    Unit.COUNT: lambda v: f"{v:,.0f}",
    Unit.CHANGE: _change,
    Unit.SHARE: lambda v: f"{v * 100:.0f}%",
    Unit.RATIO: lambda v: f"{v:.2f}",
    Unit.FLAG: lambda v: "有" if v >= 0.5 else "无",
    Unit.GRADE: lambda v: GRADES.get(round(v), "?"),
    Unit.SIZE_CLASS: lambda v: SIZE_CLASSES.get(round(v), "?"),
}
CATEGORY_FORMATS: dict[Unit, Callable[[str], str]] = {
    Unit.INDUSTRY: lambda v: SECTIONS[v].name if v in SECTIONS else v,
    Unit.DISTRICT: district_name,
    Unit.ENTITY_TYPE: lambda v: ENTITY_TYPES.get(v, v),
}


def _is_missing(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value)
        in (
            "<NA>",
            "NaT",
            "nan",
        )
    )


def format_value(name: str, value: object) -> str:
    """The value of feature ``name`` in words a business owner reads (下降 35%, 12.5 万元)."""
    unit = FEATURES[name].unit
    if unit in CATEGORY_FORMATS:
        return CATEGORY_FORMATS[unit](str(value))
    return FORMATS[unit](float(value))  # type: ignore[arg-type]


def describe(name: str, value: object) -> str:
    """The feature's reason sentence with its value, e.g. 近12个月用电量同比下降 35%."""
    if name not in FEATURES:
        raise KeyError(f"unknown feature {name!r}")
    spec = FEATURES[name]
    if _is_missing(value):
        return f"{spec.zh}暂无数据"
    return spec.reason_template.format(value=format_value(name, value))


UNIT_TEXT = {
    Unit.YUAN: "元",
    Unit.LOG_YUAN: "ln(1 + 元)",
    Unit.KWH: "千瓦时",
    Unit.MONTHS: "月",
    Unit.COUNT: "count",
    Unit.CHANGE: "relative change",
    Unit.SHARE: "share 0–1",
    Unit.RATIO: "ratio",
    Unit.FLAG: "0 / 1",
    Unit.GRADE: "A=1 … D=5",
    Unit.SIZE_CLASS: "micro=1 … large=4",
    Unit.INDUSTRY: "category",
    Unit.DISTRICT: "category",
    Unit.ENTITY_TYPE: "category",
}
DIRECTION_TEXT = {1: "+1 (larger is safer)", -1: "−1 (larger is riskier)", 0: "0 (not constrained)"}
INTRODUCTION = """\
Generated from the family modules in `scoring/features/families/` by
`scoring.features.catalogue.render_markdown()`; do not edit by hand.

`build_features(sources, as_of=...)` gives one row per enterprise and one column per feature
below, computed only from records dated before the as-of date: monthly records of months before
the as-of month, events and grants dated before it, tax grades published before it (year Y on
30 April Y+1), loan reports of months before it. "Last 12 months" means the 12 calendar months
before the as-of month. An enterprise registered on or after the as-of date (or not in the
registry) gets an all-missing row. A source the enterprise has no rows in gives missing values,
never zeros; event, IP and loan counts are zero for an enterprise without records as long as the
source itself was supplied. Money is in yuan.

A public-credit record is *active* at the as-of date when it is not repaired (信用修复) and its
publicity end date is on or after the as-of date; a record without an end date (a list such as
失信被执行人) is active while it is not removed. The repaired and removed flags carry no date:
for a past as-of date pass the record versions known at that date.

*Direction* is the expected effect on risk, used as a LightGBM monotone constraint: +1 means a
larger value never raises the risk, −1 means it never lowers it, 0 leaves the model free."""


def render_markdown() -> str:
    """The whole feature catalogue as Markdown (``docs/features.md``)."""
    lines = ["# Features (特征目录)", "", INTRODUCTION, ""]
    lines.append(f"{len(FEATURES)} features in {len(FAMILIES)} families.")
    for family in FAMILIES:
        lines += ["", f"## {family.FAMILY} — {FAMILY_ZH[family.FAMILY]}", ""]
        lines += ["| feature | 中文 | definition | unit | direction | source |"]
        lines += ["|---|---|---|---|---|---|"]
        lines += [
            f"| `{s.name}` | {s.zh} | {s.definition} | {UNIT_TEXT[s.unit]} | "
            f"{DIRECTION_TEXT[s.direction]} | `{s.source}` |"
            for s in family.SPECS
        ]
    return "\n".join(lines) + "\n"
