"""Registration features (登记信息): age, capital, size, industry, district and entity type.

The registry keeps one current row per enterprise, so headcount, revenue and capital are the
registry's values, not history. ``status`` is deliberately not a feature: it is the status at
load time (a firm revoked after a default would leak its future), and the legal representative
is never used.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from app.enterprises.industry import SECTIONS
from app.enterprises.size_class import FEN_PER_WAN, thresholds_for
from scoring.features.families.base import (
    DAYS_PER_MONTH,
    FeatureSpec,
    Snapshot,
    Unit,
    as_dates,
    numbers,
    source_frame,
)

FAMILY = "registration"
SOURCE = "registration"
COLUMNS = (
    "uscc", "entity_type", "registration_date", "registered_capital_fen", "industry_section",
    "industry_division", "district", "headcount", "annual_revenue_fen",
)  # fmt: skip
ENTITY_TYPES = ("enterprise", "individual_business", "farmers_cooperative")


_spec = partial(FeatureSpec, family=FAMILY, source=SOURCE)
SPECS = (
    _spec(
        name="reg_age_months",
        zh="成立月数",
        direction=+1,
        unit=Unit.MONTHS,
        definition="Months from the registration date to the as-of date.",
        reason_template="企业已成立{value}",
    ),
    _spec(
        name="reg_capital_log",
        zh="注册资本（对数）",
        direction=0,
        unit=Unit.LOG_YUAN,
        definition="log(1 + registered capital in yuan); missing when none is registered.",
        reason_template="注册资本为{value}",
    ),
    _spec(
        name="reg_headcount",
        zh="从业人数",
        direction=0,
        unit=Unit.COUNT,
        definition="Headcount in the registry.",
        reason_template="登记从业人数为{value}人",
    ),
    _spec(
        name="reg_revenue_log",
        zh="年营业收入（对数）",
        direction=0,
        unit=Unit.LOG_YUAN,
        definition="log(1 + annual revenue in yuan) in the registry.",
        reason_template="登记年营业收入为{value}",
    ),
    _spec(
        name="reg_size_class",
        zh="企业规模",
        direction=0,
        unit=Unit.SIZE_CLASS,
        definition="National SME size class (工信部联企业〔2011〕300号) from industry, headcount "
        "and revenue: micro 1, small 2, medium 3, large 4.",
        reason_template="企业规模为{value}企业",
    ),
    _spec(
        name="reg_industry_section",
        zh="行业门类",
        direction=0,
        unit=Unit.INDUSTRY,
        definition="GB/T 4754 section letter A–T (category).",
        reason_template="所属行业为{value}",
    ),
    _spec(
        name="reg_district",
        zh="所属区县",
        direction=0,
        unit=Unit.DISTRICT,
        definition="6-digit district code (category; the categories are the registry's districts).",
        reason_template="所在区县为{value}",
    ),
    _spec(
        name="reg_entity_type",
        zh="主体类型",
        direction=0,
        unit=Unit.ENTITY_TYPE,
        definition="Enterprise, individual business or farmers' cooperative (category).",
        reason_template="主体类型为{value}",
    ),
)


def aligned(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """The registry row of each enterprise in output order (the last row per code wins)."""
    frame = source_frame(sources, SOURCE, COLUMNS)
    rows = frame.loc[:, list(COLUMNS)].drop_duplicates("uscc", keep="last")
    rows = rows.assign(uscc=rows["uscc"].astype("str")).set_index("uscc")
    return rows.reindex(snapshot.index)


def registered_before(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> np.ndarray:
    """Enterprises on the register before the as-of date; the others get no features."""
    dates = as_dates(aligned(sources, snapshot=snapshot)["registration_date"])
    return np.asarray((dates < snapshot.as_of).fillna(False), dtype=bool)


def size_class(rows: pd.DataFrame) -> np.ndarray:
    """The SME size class (1 micro … 4 large), NaN when a measure the sector needs is missing."""
    headcount = numbers(rows["headcount"])
    revenue_wan = numbers(rows["annual_revenue_fen"]) / FEN_PER_WAN
    result = np.full(len(rows), np.nan)
    sectors = rows[["industry_section", "industry_division"]].astype("str")
    for (section, division), where in sectors.groupby(list(sectors.columns)).indices.items():
        rules = thresholds_for(section, division)
        level = np.ones(len(where))
        unknown = np.zeros(len(where), dtype=bool)
        steps = ((2, rules.small), (3, rules.medium), (4, rules.large))
        for rank, (min_headcount, min_revenue) in steps:
            reaches = np.ones(len(where), dtype=bool)
            if min_headcount is not None:
                unknown |= np.isnan(headcount[where])
                reaches &= headcount[where] >= min_headcount
            if min_revenue > 0:
                unknown |= np.isnan(revenue_wan[where])
                reaches &= revenue_wan[where] >= min_revenue
            level = np.where(reaches, rank, level)
        result[where] = np.where(unknown, np.nan, level)
    return result


def _categories(values: pd.Series, categories: list[str]) -> pd.Categorical:
    return pd.Categorical(values.astype("str").where(values.notna()), categories=categories)


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Registration features of every enterprise of the snapshot."""
    rows = aligned(sources, snapshot=snapshot)
    age_days = (snapshot.as_of - as_dates(rows["registration_date"])).dt.days
    districts = source_frame(sources, SOURCE, COLUMNS)["district"].dropna().astype("str")
    return pd.DataFrame(
        {
            "reg_age_months": numbers(age_days) / DAYS_PER_MONTH,
            "reg_capital_log": np.log1p(numbers(rows["registered_capital_fen"], scale=0.01)),
            "reg_headcount": numbers(rows["headcount"]),
            "reg_revenue_log": np.log1p(numbers(rows["annual_revenue_fen"], scale=0.01)),
            "reg_size_class": size_class(rows),
            "reg_industry_section": _categories(rows["industry_section"], list(SECTIONS)),
            "reg_district": _categories(rows["district"], sorted(districts.unique())),
            "reg_entity_type": _categories(rows["entity_type"], list(ENTITY_TYPES)),
        },
        index=snapshot.index,
    )
