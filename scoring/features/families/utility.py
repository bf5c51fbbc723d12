"""Utility features (水电气): electricity level, trend, year-on-year change, volatility, arrears."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from scoring.features.families import monthly as m
from scoring.features.families.base import FeatureSpec, Snapshot, Unit, source_frame

FAMILY = "utility"
SOURCE = "utility_monthly"
COLUMNS = ("uscc", "month", "electricity_kwh", "arrears_fen")

_spec = partial(FeatureSpec, family=FAMILY, source=SOURCE)
SPECS = (
    _spec(
        name="util_kwh_12m",
        zh="近12个月用电量",
        direction=0,
        unit=Unit.KWH,
        definition="Electricity used over the 12 months before the as-of month (reported "
        "months), kWh.",
        reason_template="近12个月用电量{value}",
    ),
    _spec(
        name="util_kwh_trend_3m",
        zh="近3个月用电环比变化",
        direction=+1,
        unit=Unit.CHANGE,
        definition="Mean monthly kWh of the last 3 months over that of the 3 months before, "
        "minus 1 (at least 2 reported months in each).",
        reason_template="最近3个月用电量较前3个月{value}",
    ),
    _spec(
        name="util_kwh_yoy",
        zh="近12个月用电量同比变化",
        direction=+1,
        unit=Unit.CHANGE,
        definition="kWh of the last 12 months over the same months a year earlier, minus 1, on "
        "months reported in both years (at least 6).",
        reason_template="近12个月用电量同比{value}",
    ),
    _spec(
        name="util_kwh_yoy_3m",
        zh="近3个月用电量同比变化",
        direction=+1,
        unit=Unit.CHANGE,
        definition="kWh of the last 3 months over the same months a year earlier, minus 1, on "
        "months reported in both years (at least 2).",
        reason_template="最近3个月用电量同比{value}",
    ),
    _spec(
        name="util_kwh_cv_12m",
        zh="近12个月用电波动系数",
        direction=0,
        unit=Unit.RATIO,
        definition="Coefficient of variation (sd / mean) of monthly kWh over the last 12 months "
        "(at least 6 reported).",
        reason_template="近12个月用电量波动系数为{value}",
    ),
    _spec(
        name="util_zero_kwh_months_12m",
        zh="近12个月零用电月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Reported months of the last 12 with no electricity used.",
        reason_template="近12个月中有{value}个月用电量为零",
    ),
    _spec(
        name="util_arrears_months_12m",
        zh="近12个月水电气欠费月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Reported months of the last 12 with utility arrears above zero.",
        reason_template="近12个月中有{value}个月存在水电气欠费",
    ),
    _spec(
        name="util_arrears_latest",
        zh="最近水电气欠费金额",
        direction=-1,
        unit=Unit.YUAN,
        definition="Utility arrears in the latest reported month of the last 3, yuan.",
        reason_template="最近一个月水电气欠费{value}",
    ),
)


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Utility features of every enterprise of the snapshot."""
    frame = source_frame(sources, SOURCE, COLUMNS)
    panel = m.monthly(frame, columns=COLUMNS[2:], snapshot=snapshot, scale={"arrears_fen": 0.01})
    kwh, arrears = panel["electricity_kwh"], panel["arrears_fen"]
    kwh12, arrears12 = m.last(kwh, 12), m.last(arrears, 12)
    return pd.DataFrame(
        {
            "util_kwh_12m": m.total(kwh12),
            "util_kwh_trend_3m": m.level_change(
                m.last(kwh, 3), m.last(kwh, 3, skip=3), min_months=2
            ),
            "util_kwh_yoy": m.change(kwh12, m.last(kwh, 12, skip=12), min_months=6),
            "util_kwh_yoy_3m": m.change(m.last(kwh, 3), m.last(kwh, 3, skip=12), min_months=2),
            "util_kwh_cv_12m": m.variation(kwh12, min_months=6),
            "util_zero_kwh_months_12m": m.months_where(kwh12, kwh12 == 0),
            "util_arrears_months_12m": m.months_where(arrears12, arrears12 > 0),
            "util_arrears_latest": m.latest(arrears, within=3),
        },
        index=snapshot.index,
    )
