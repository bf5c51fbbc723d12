"""Housing-fund features (公积金): members, contributions, suspended months and the trend."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from scoring.features.families import monthly as m
from scoring.features.families.base import FeatureSpec, Snapshot, Unit, source_frame

FAMILY = "housing_fund"
SOURCE = "housing_fund_monthly"
COLUMNS = ("uscc", "month", "headcount", "contributions_fen")

_spec = partial(FeatureSpec, family=FAMILY, source=SOURCE)
SPECS = (
    _spec(
        name="hf_headcount_latest",
        zh="公积金缴存人数",
        direction=0,
        unit=Unit.COUNT,
        definition="Housing-fund members in the latest reported month of the last 3.",
        reason_template="最近公积金缴存人数为{value}人",
    ),
    _spec(
        name="hf_headcount_trend_12m",
        zh="公积金缴存人数同比变化",
        direction=+1,
        unit=Unit.CHANGE,
        definition="Mean members of the last 3 months over that of the same 3 months a year "
        "earlier, minus 1.",
        reason_template="公积金缴存人数同比{value}",
    ),
    _spec(
        name="hf_contributions_12m",
        zh="近12个月公积金缴存额",
        direction=0,
        unit=Unit.YUAN,
        definition="Housing-fund contributions over the last 12 months, yuan.",
        reason_template="近12个月公积金缴存{value}",
    ),
    _spec(
        name="hf_zero_months_12m",
        zh="近12个月公积金缓缴月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Reported months of the last 12 with no contribution (缓缴 or unpaid).",
        reason_template="近12个月中有{value}个月未缴存公积金",
    ),
)


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Housing-fund features of every enterprise of the snapshot."""
    frame = source_frame(sources, SOURCE, COLUMNS)
    panel = m.monthly(
        frame, columns=COLUMNS[2:], snapshot=snapshot, scale={"contributions_fen": 0.01}
    )
    members, contributions = panel["headcount"], panel["contributions_fen"]
    contributions12 = m.last(contributions, 12)
    return pd.DataFrame(
        {
            "hf_headcount_latest": m.latest(members, within=3),
            "hf_headcount_trend_12m": m.level_change(
                m.last(members, 3), m.last(members, 3, skip=12), min_months=1
            ),
            "hf_contributions_12m": m.total(contributions12),
            "hf_zero_months_12m": m.months_where(contributions12, contributions12 == 0),
        },
        index=snapshot.index,
    )
