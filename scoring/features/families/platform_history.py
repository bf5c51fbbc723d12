"""Platform-history features (平台借贷记录): loans through the platform and how they were repaid.

Only loan reports for months before the as-of month are used (``report_month`` < the as-of
month), so a loan's later arrears — the training label — never leak. A firm that never borrowed
through the platform has a loan count of zero and no repayment features (NaN): no history is not
a clean history.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from scoring.features.families.base import (
    DAYS_PER_MONTH,
    FeatureSpec,
    Snapshot,
    Unit,
    as_dates,
    flags,
    month_numbers,
    numbers,
    per_firm,
    source_frame,
)

FAMILY = "platform_history"
SOURCE = "loan_outcomes"
COLUMNS = (
    "loan_id", "uscc", "disbursement_date", "report_month", "balance_fen", "days_past_due",
    "defaulted",
)  # fmt: skip

_spec = partial(FeatureSpec, family=FAMILY, source=SOURCE)
SPECS = (
    _spec(
        name="loan_count",
        zh="平台历史贷款笔数",
        direction=0,
        unit=Unit.COUNT,
        definition="Distinct platform loans reported for months before the as-of month.",
        reason_template="通过平台获得过{value}笔贷款",
    ),
    _spec(
        name="loan_months_since_first",
        zh="首笔平台贷款至今月数",
        direction=0,
        unit=Unit.MONTHS,
        definition="Months from the first disbursement of those loans to the as-of date.",
        reason_template="首笔平台贷款距今{value}",
    ),
    _spec(
        name="loan_balance_last_month",
        zh="上月末贷款余额",
        direction=0,
        unit=Unit.YUAN,
        definition="Balance of all platform loans reported for the month before the as-of "
        "month (0 when none was reported that month), yuan.",
        reason_template="上月末平台贷款余额{value}",
    ),
    _spec(
        name="loan_dpd_last_month",
        zh="上月逾期天数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Largest days past due reported for the month before the as-of month.",
        reason_template="上月平台贷款逾期{value}天",
    ),
    _spec(
        name="loan_max_dpd_12m",
        zh="近12个月最长逾期天数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Largest days past due reported for the 12 months before the as-of month.",
        reason_template="近12个月平台贷款最长逾期{value}天",
    ),
    _spec(
        name="loan_ever_dpd30",
        zh="曾逾期30天以上",
        direction=-1,
        unit=Unit.FLAG,
        definition="1 when any report before the as-of month shows 30 or more days past due.",
        reason_template="{value}逾期30天以上的平台贷款记录",
    ),
    _spec(
        name="loan_ever_dpd90",
        zh="曾逾期90天以上",
        direction=-1,
        unit=Unit.FLAG,
        definition="1 when any report before the as-of month shows 90 or more days past due.",
        reason_template="{value}逾期90天以上的平台贷款记录",
    ),
    _spec(
        name="loan_ever_defaulted",
        zh="曾发生违约",
        direction=-1,
        unit=Unit.FLAG,
        definition="1 when any report before the as-of month marks a loan as defaulted.",
        reason_template="{value}平台贷款违约记录",
    ),
)


def _reports(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Loan reports of the snapshot's enterprises for months before the as-of month."""
    frame = source_frame(sources, SOURCE, COLUMNS)
    firm = snapshot.positions(frame["uscc"])
    age = snapshot.month - month_numbers(frame["report_month"])  # 1 = the month before
    keep = (firm >= 0) & (age >= 1)
    return pd.DataFrame(
        {
            "firm": firm[keep],
            "loan": frame["loan_id"].astype("str").to_numpy()[keep],
            "disbursed": as_dates(frame["disbursement_date"]).to_numpy()[keep],
            "age": age[keep],
            "balance": numbers(frame["balance_fen"], scale=0.01)[keep],
            "dpd": numbers(frame["days_past_due"])[keep],
            "defaulted": flags(frame["defaulted"])[keep],
        }
    )


def _by_firm(values: pd.Series, *, snapshot: Snapshot, empty: float = np.nan) -> np.ndarray:
    """A per-firm series (indexed by position) as an array; ``empty`` for the other firms."""
    result = np.full(snapshot.size, empty)
    result[values.index.to_numpy(dtype=np.int64)] = values.to_numpy(dtype=np.float64)
    return result


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Platform-history features of every enterprise of the snapshot."""
    reports = _reports(sources, snapshot=snapshot)
    groups = reports.groupby("firm")
    history = per_firm(reports["firm"].to_numpy(), size=snapshot.size) > 0
    recent = reports[reports["age"] <= 12].groupby("firm")["dpd"].max()
    last_month = reports[reports["age"] == 1].groupby("firm")
    first = (snapshot.as_of - pd.to_datetime(groups["disbursed"].min())).dt.days
    known = np.where(history, 0.0, np.nan)  # 0 for borrowers without a row in the window
    return pd.DataFrame(
        {
            "loan_count": _by_firm(groups["loan"].nunique(), snapshot=snapshot, empty=0.0),
            "loan_months_since_first": _by_firm(first / DAYS_PER_MONTH, snapshot=snapshot),
            "loan_balance_last_month": np.fmax(
                known, _by_firm(last_month["balance"].sum(), snapshot=snapshot)
            ),
            "loan_dpd_last_month": np.fmax(
                known, _by_firm(last_month["dpd"].max(), snapshot=snapshot)
            ),
            "loan_max_dpd_12m": np.fmax(known, _by_firm(recent, snapshot=snapshot)),
            "loan_ever_dpd30": _by_firm(groups["dpd"].max() >= 30, snapshot=snapshot),
            "loan_ever_dpd90": _by_firm(groups["dpd"].max() >= 90, snapshot=snapshot),
            "loan_ever_defaulted": _by_firm(groups["defaulted"].any(), snapshot=snapshot),
        },
        index=snapshot.index,
    )
