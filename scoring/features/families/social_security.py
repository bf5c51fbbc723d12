"""Social-security features (社保): insured headcount, its trend, arrears and the share paid."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd

from scoring.features.families import monthly as m
from scoring.features.families.base import FeatureSpec, Snapshot, Unit, source_frame

FAMILY = "social_security"
SOURCE = "social_security_monthly"
COLUMNS = (
    "uscc", "month", "insured_headcount", "contributions_due_fen", "contributions_paid_fen",
    "months_in_arrears",
)  # fmt: skip

_spec = partial(FeatureSpec, family=FAMILY, source=SOURCE)
SPECS = (
    _spec(
        name="ss_headcount_latest",
        zh="社保参保人数",
        direction=0,
        unit=Unit.COUNT,
        definition="Insured headcount in the latest reported month of the last 3.",
        reason_template="最近社保参保人数为{value}人",
    ),
    _spec(
        name="ss_headcount_trend_12m",
        zh="社保参保人数同比变化",
        direction=+1,
        unit=Unit.CHANGE,
        definition="Mean insured headcount of the last 3 months over that of the same 3 months "
        "a year earlier, minus 1.",
        reason_template="社保参保人数同比{value}",
    ),
    _spec(
        name="ss_months_in_arrears_latest",
        zh="社保欠缴月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Months in arrears in the latest reported month of the last 3.",
        reason_template="社保已连续欠缴{value}个月",
    ),
    _spec(
        name="ss_paid_ratio_12m",
        zh="近12个月社保足额缴纳比例",
        direction=+1,
        unit=Unit.SHARE,
        definition="Contributions paid over contributions due in the last 12 months.",
        reason_template="近12个月社保实缴金额占应缴的{value}",
    ),
    _spec(
        name="ss_underpaid_months_12m",
        zh="近12个月社保欠缴月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Reported months of the last 12 in which less was paid than was due.",
        reason_template="近12个月中有{value}个月社保未足额缴纳",
    ),
)


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Social-security features of every enterprise of the snapshot."""
    frame = source_frame(sources, SOURCE, COLUMNS)
    panel = m.monthly(frame, columns=COLUMNS[2:], snapshot=snapshot)
    headcount = panel["insured_headcount"]
    due, paid = m.paired(
        m.last(panel["contributions_due_fen"], 12), m.last(panel["contributions_paid_fen"], 12)
    )
    return pd.DataFrame(
        {
            "ss_headcount_latest": m.latest(headcount, within=3),
            "ss_headcount_trend_12m": m.level_change(
                m.last(headcount, 3), m.last(headcount, 3, skip=12), min_months=1
            ),
            "ss_months_in_arrears_latest": m.latest(panel["months_in_arrears"], within=3),
            "ss_paid_ratio_12m": m.ratio(m.total(paid), m.total(due)),
            "ss_underpaid_months_12m": m.months_where(due, paid < due),
        },
        index=snapshot.index,
    )
