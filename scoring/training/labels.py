"""The training label: 90+ days past due or default within 12 months after the as-of date.

Observed from the loan outcomes banks report. Only enterprises that are borrowers at the as-of
date (a loan reported in the month before it, not already in default) get a label, and only
when the whole 12-month window has been reported.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

HORIZON_MONTHS = 12
SERIOUS_DAYS_PAST_DUE = 90


def month_start(day: date) -> pd.Timestamp:
    return pd.Timestamp(day).to_period("M").to_timestamp()


def labels(outcomes: pd.DataFrame, *, as_of: date) -> pd.Series:
    """0/1 per borrowing enterprise at ``as_of`` (index uscc); empty if the window is unseen."""
    start = month_start(as_of)
    end = start + pd.DateOffset(months=HORIZON_MONTHS)
    if outcomes.empty or outcomes["report_month"].max() < end - pd.DateOffset(months=1):
        return pd.Series(dtype="int64", name="label")
    serious = (outcomes["days_past_due"].fillna(0) >= SERIOUS_DAYS_PAST_DUE) | outcomes[
        "defaulted"
    ].fillna(False).astype(bool)
    before = outcomes[outcomes["report_month"] == start - pd.DateOffset(months=1)]
    already_bad = set(outcomes.loc[serious & (outcomes["report_month"] < start), "uscc"])
    borrowers = sorted(set(before["uscc"]) - already_bad)
    window = outcomes[(outcomes["report_month"] >= start) & (outcomes["report_month"] < end)]
    bad = set(window.loc[serious.loc[window.index], "uscc"])
    return pd.Series(
        [int(u in bad) for u in borrowers],
        index=pd.Index(borrowers, name="uscc"),
        name="label",
        dtype="int64",
    )
