"""Borrowing, default events, loan outcomes and the truth table of the synthetic city.

A borrower holds an open loan from its first disbursement until it defaults or the window ends:
loans are renewed at maturity (续贷). The hazard draws the month a loan first falls 30 days past
due; it is 60 the month after and reaches 90 (the default event) two months after. Nothing is
observable about a delinquency before its first month, so the 12-month PD of a borrower that
is not past due is the DP in ``health`` over the 10 months in which a delinquency can start and
still reach 90 days within 12, and a borrower already 30 or 60 days past due defaults for sure.
The hazard starts two months after the first disbursement, so the 30, 60 and 90 days-past-due
months always exist on the same loan; a loan that would mature in those months is extended
(展期) instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from scoring.synthetic.health import (
    Firms,
    HealthModel,
    Latent,
    PdTable,
    dates,
    flags,
    hazard,
    labels,
    lookup_pd,
    money,
    prefixed,
    text,
)

NEVER = 1_000_000  # month index of an event that does not happen
PRE_WINDOW = 48  # a first loan may have been drawn up to four years before the window
BORROW_BY_KIND = np.array([1.2, 0.5, 0.8])  # relative to the city share; 个体户 borrow less
EXIT_LEVEL = -2.6  # health below which a firm without loans may close down
EXIT_CHANCE = 0.25
TERMS = np.array([6, 12, 24, 36])
TERM_WEIGHTS = np.array([0.15, 0.45, 0.25, 0.15])
LENDERS = ("huzhou-bank", "anji-rcb", "czbank-hz", "icbc-hz", "abc-hz")
LENDER_WEIGHTS = np.array([0.3, 0.15, 0.2, 0.2, 0.15])
PAST_DUE = {-2: 30, -1: 60, 0: 90, 1: 120, 2: 150, 3: 180}  # by month relative to default
ONSET_TO_DEFAULT = 2  # months from the first 30 days past due to 90 days past due
LOAN_COLUMNS = (
    "loan_id",
    "uscc",
    "lender_code",
    "disbursement_date",
    "principal_yuan",
    "term_months",
    "report_month",
    "balance_yuan",
    "days_past_due",
    "defaulted",
)


@dataclass(frozen=True)
class Credit:
    """Per firm: first loan month, default (90+ days past due) month or NEVER, registry status.

    The delinquency behind a default starts ``ONSET_TO_DEFAULT`` months before it.
    """

    start: np.ndarray
    default: np.ndarray
    status: np.ndarray  # active | deregistered (health collapsed) | revoked (defaulted)
    alive: np.ndarray  # firms x months on record

    @property
    def borrower(self) -> np.ndarray:
        return self.start < NEVER


def _first_true(mask: np.ndarray) -> np.ndarray:
    return np.where(mask.any(axis=1), mask.argmax(axis=1), NEVER)


def draw_credit(
    rng: np.random.Generator,
    *,
    firms: Firms,
    latent: Latent,
    model: HealthModel,
    borrower_share: float,
) -> Credit:
    """Who borrows from when, who defaults when, who closes down when."""
    n, months = latent.health.shape
    column = np.arange(months)[None, :]
    eligible = firms.first <= months - 1
    borrower = eligible & (rng.random(n) < borrower_share * BORROW_BY_KIND[firms.kind])
    low = np.maximum(firms.first, -PRE_WINDOW)
    start = low + np.floor(rng.random(n) * (months - low)).astype(np.int64)
    start = np.where(borrower, start, NEVER)
    at_risk = column >= np.maximum(start + 2, 0)[:, None]
    onset = _first_true(at_risk & (rng.random((n, months)) < hazard(model, latent.health)))
    default = np.where(onset < NEVER, onset + ONSET_TO_DEFAULT, NEVER)
    collapse = (latent.health < EXIT_LEVEL) & (rng.random((n, months)) < EXIT_CHANCE)
    closed = _first_true(collapse & (column >= firms.first[:, None]) & ~borrower[:, None])
    revoked = np.where(default + 6 <= months - 1, default + 6, NEVER)  # 吊销 six months on
    last = np.minimum(closed, revoked)
    alive = (column >= firms.first[:, None]) & (column <= last[:, None])
    status = np.where(closed < NEVER, "deregistered", "active")
    status = np.where(revoked < NEVER, "revoked", status)
    return Credit(start=start, default=default, status=status, alive=alive)


def _segments(start: int, default: int, terms: np.ndarray, months: int) -> list[tuple[int, int]]:
    """(first month, term) of each loan; the loan running into a default is extended."""
    last = min(default + 3, months - 1)
    loans: list[tuple[int, int]] = []
    month, k = start, 0
    while month <= last:
        term = int(terms[k])
        loans.append((month, term))
        if default < NEVER and month + term >= default - 1:
            break
        month, k = month + term, k + 1
    return loans


def _plan(rng: np.random.Generator, credit: Credit, months: int) -> np.ndarray:
    """One row per loan: firm, first month, term, month after its last row."""
    firms = np.flatnonzero(credit.borrower)
    terms = rng.choice(TERMS, p=TERM_WEIGHTS, size=(len(firms), 16))
    rows = []
    for i, firm in enumerate(firms.tolist()):
        default = int(credit.default[firm])
        loans = _segments(int(credit.start[firm]), default, terms[i], months)
        for j, (month, term) in enumerate(loans):
            stop = min(default + 4, months) if j == len(loans) - 1 else month + term
            if stop > 0:
                rows.append((firm, month, term, min(stop, months)))
    return np.array(rows, dtype=np.int64).reshape(-1, 4)


def _balances(
    plan: np.ndarray,
    principal: np.ndarray,
    loan: np.ndarray,
    month: np.ndarray,
    default: np.ndarray,
) -> np.ndarray:
    """Scheduled balance (bullet for short terms, equal principal for long), frozen at default."""
    start, term = plan[loan, 1], plan[loan, 2]
    amortising = term >= 24
    since = np.minimum(month - start, term - 1)
    frozen_since = np.clip(default - 3 - start, 0, term - 1)
    since = np.where(month >= default - 2, frozen_since, since)
    share = np.where(amortising, 1 - since / (term - 1), (since < term - 1).astype(np.float64))
    share = np.where((month >= default - 2) & ~amortising, 1.0, share)
    return np.rint(principal[loan] * share * 100).astype(np.int64)


def loan_outcomes(
    rng: np.random.Generator, *, firms: Firms, credit: Credit, axis: np.ndarray
) -> pa.Table:
    """The loan_outcomes source: one row per loan per month on the books."""
    months = len(axis)
    plan = _plan(rng, credit, months)
    count = len(plan)
    size = firms.revenue[plan[:, 0]] * rng.uniform(0.08, 0.4, count)
    principal = np.clip(np.rint(size / 10_000), 3, 5_000) * 10_000
    main_lender = rng.choice(len(LENDERS), p=LENDER_WEIGHTS, size=firms.count)
    switch = rng.random(count) < 0.1
    lender = np.where(switch, rng.choice(len(LENDERS), size=count), main_lender[plan[:, 0]])
    disbursed = (axis[0] + plan[:, 1]).astype("datetime64[D]") + rng.integers(0, 28, count)
    first_row = np.maximum(plan[:, 1], 0)
    lengths = plan[:, 3] - first_row
    loan = np.repeat(np.arange(count), lengths)
    month = (
        first_row[loan] + np.arange(len(loan)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )
    default = credit.default[plan[loan, 0]]
    past_due = np.zeros(len(loan), dtype=np.int64)
    for offset, days in PAST_DUE.items():
        past_due[month - default == offset] = days
    columns = [
        prefixed("LN", np.arange(1, count + 1)).take(pa.array(loan)),
        labels(firms.uscc, plan[loan, 0]),
        labels(LENDERS, lender[loan]),
        dates(disbursed[loan]),
        money(np.rint(principal * 100).astype(np.int64)[loan]),
        text(plan[loan, 2]),
        labels(np.datetime_as_string(axis).tolist(), month),
        money(_balances(plan, principal, loan, month, default)),
        text(past_due),
        flags(month >= default),
    ]
    return pa.table(columns, names=list(LOAN_COLUMNS))


def truth_table(
    *, firms: Firms, latent: Latent, credit: Credit, table: PdTable, axis: np.ndarray
) -> pa.Table:
    """uscc, month, health, pd_12m, borrower, default_within_12m for every firm-month alive."""
    firm, month = np.nonzero(credit.alive)
    months = len(axis)
    start, default = credit.start[firm], credit.default[firm]
    pd_12m = lookup_pd(
        table,
        deviation=latent.deviation[firm, month],
        mu_index=latent.mu_index[firm],
        delay=month == start,
    )
    past_due = (default - ONSET_TO_DEFAULT <= month) & (month < default)  # 30 or 60 days
    pd_12m = np.where(past_due, 1.0, pd_12m)
    label = (default > month) & (default <= month + 12)
    return pa.table(
        {
            "uscc": labels(firms.uscc, firm),
            "month": labels(np.datetime_as_string(axis).tolist(), month),
            "health": pa.array(latent.health[firm, month]),
            "pd_12m": pa.array(pd_12m),
            "borrower": pa.array((start <= month) & (month < default)),
            "default_within_12m": pa.array(label, mask=month + 12 > months - 1),
        }
    )


def _snapshot(truth: pd.DataFrame, month: str) -> pd.DataFrame:
    rows = truth[(truth["month"] == month) & truth["borrower"].astype(bool)]
    return rows[rows["default_within_12m"].notna()]


def default_rate(truth: pd.DataFrame, *, month: str) -> float:
    """Share of borrowers in ``month`` that default within the next 12 months."""
    rows = _snapshot(truth, month)
    return float(rows["default_within_12m"].astype(bool).mean()) if len(rows) else float("nan")


def rank_auc(scores: np.ndarray, labels_: np.ndarray) -> float:
    """AUC by the rank-sum (Mann-Whitney) formula with average ranks for ties."""
    positives = int(labels_.sum())
    negatives = len(labels_) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    total = ranks[labels_].sum() - positives * (positives + 1) / 2
    return float(total / (positives * negatives))


def truth_month(as_of: date | str) -> str:
    """The truth month ("YYYY-MM") that labels a snapshot as of ``as_of`` (a date or "YYYY-MM")."""
    # Features as of the 1st of month M see data up to M − 1, and the truth row of month M − 1
    # holds the true PD over the 12 months from M: the window the training label covers.
    return (pd.Period(as_of, "M") - 1).strftime("%Y-%m")


def oracle_auc(truth: pd.DataFrame, *, month: str) -> float:
    """AUC of the true pd_12m against realised defaults over the borrowers of ``month``."""
    rows = _snapshot(truth, month)
    scores = rows["pd_12m"].to_numpy(dtype=np.float64)
    return rank_auc(scores, rows["default_within_12m"].to_numpy(dtype=bool))
