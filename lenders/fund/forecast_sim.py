"""The fund's run-out forecast as a Monte Carlo of claims (代偿), month by month; no database.

Each covered loan defaults at most once. Its borrower's annual PD becomes a constant monthly
hazard ``h = 1 - (1 - PD) ** (1 / 12)``, so the month of default is geometric and is drawn in
one step per loan and path (``ceil(log U / log(1 - h))``) instead of month after month. A
default within the horizon and before the loan's maturity costs the fund ``ratio × LGD ×
exposure`` in that month; a loan that already defaulted and is not yet paid for costs it in
the first month, for certain. Payouts are drawn from the fund's capital until it is gone:
a path runs out in the first month its demanded payouts reach the capital, and pays only
what was left then. Floats live only in here; every figure leaves as whole fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BASIS_POINTS = 10_000
CELLS_PER_DRAW = 2_000_000  # paths × loans drawn together: 16 MB per array of floats
BAND = (5.0, 95.0)  # the 90 % band's percentiles


@dataclass(frozen=True)
class Exposure:
    """One covered loan as the simulation sees it."""

    ead_fen: int  # what is still owed on it
    annual_pd: float  # the borrower's latest scored PD (12-month), or the fallback
    ratio_bp: int  # the fund's share of the loss under the bank's agreement
    months_left: int  # months in which it can still default (to its maturity), at least 1
    # Already in default and not yet paid for: the claim it makes (or made), for certain, in
    # month 1; the PD, ratio and LGD do not apply to it.
    claim_fen: int | None = None


@dataclass(frozen=True)
class Parameters:
    paths: int
    horizon_months: int
    lgd_bp: int
    seed: int


@dataclass(frozen=True)
class MonthFigures:
    """Month ``index`` (1 = the first forecast month): fen, and a probability in bp."""

    index: int
    expected_payout_fen: int
    payout_p5_fen: int
    payout_p95_fen: int
    expected_cumulative_fen: int
    cumulative_p5_fen: int
    cumulative_p95_fen: int
    expected_remaining_fen: int
    runout_probability_bp: int  # share of paths whose capital is gone by this month's end


@dataclass(frozen=True)
class Outcome:
    months: list[MonthFigures]
    expected_total_fen: int
    runout_probability_bp: int  # within the horizon
    median_runout_month: int | None  # the median path's month; None: after the horizon


def monthly_hazard(annual_pd: np.ndarray) -> np.ndarray:
    """The constant monthly default probability that compounds to ``annual_pd`` over 12."""
    return 1.0 - np.power(1.0 - np.clip(annual_pd, 0.0, 1.0), 1.0 / 12.0)


def default_months(uniform: np.ndarray, hazard: np.ndarray) -> np.ndarray:
    """The month (1, 2, …) each loan defaults in on each path; inf where the hazard is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.ceil(np.log(uniform) / np.log1p(-hazard))
    months = np.where(hazard >= 1.0, 1.0, months)
    months = np.where(hazard <= 0.0, np.inf, months)
    return np.maximum(months, 1.0)  # U = 1 exactly gives 0: the first month


def demanded_payouts(exposures: Sequence[Exposure], parameters: Parameters) -> np.ndarray:
    """Per path and month, what the defaults would ask of the fund (paths × months, fen)."""
    paths, horizon = parameters.paths, parameters.horizon_months
    rng = np.random.default_rng(parameters.seed)
    demand = np.zeros(paths * horizon)
    lgd = parameters.lgd_bp / BASIS_POINTS
    rows = np.arange(paths)[:, None] * horizon
    per_draw = max(CELLS_PER_DRAW // paths, 1)  # loans at a time: 1,000 at 2,000 paths
    for start in range(0, len(exposures), per_draw):
        chunk = exposures[start : start + per_draw]
        certain = np.array([e.claim_fen is not None for e in chunk])
        pd_ = np.where(certain, 1.0, np.array([e.annual_pd for e in chunk]))
        amount = np.array([_amount(e, lgd) for e in chunk])
        last = np.where(certain, 1, np.array([min(e.months_left, horizon) for e in chunk]))
        # Drawn for every loan, whatever its PD, so a loan's draws do not depend on the others'.
        uniform = rng.random((paths, len(chunk)))
        months = default_months(1.0 - uniform, monthly_hazard(pd_))
        hit = months <= last[None, :]
        cells = (rows + months.clip(max=horizon).astype(np.int64) - 1)[hit]
        weights = np.broadcast_to(amount, months.shape)[hit]
        demand += np.bincount(cells, weights=weights, minlength=paths * horizon)
    return demand.reshape(paths, horizon)


def _amount(exposure: Exposure, lgd: float) -> float:
    """What a default costs the fund: a known claim's amount, else ratio × LGD × exposure (the
    LGD stands for what the bank recovers before it files: a claim is on unpaid principal)."""
    if exposure.claim_fen is not None:
        return float(exposure.claim_fen)
    return exposure.ead_fen * exposure.ratio_bp / BASIS_POINTS * lgd


def simulate(exposures: Sequence[Exposure], *, capital_fen: int, parameters: Parameters) -> Outcome:
    """The forecast of ``exposures`` against ``capital_fen``; the same seed, the same figures."""
    if parameters.paths < 1 or parameters.horizon_months < 1:
        raise ValueError("paths and horizon_months must be at least 1")
    horizon = parameters.horizon_months
    demand = demanded_payouts(exposures, parameters).cumsum(axis=1)
    capital = float(max(capital_fen, 0))
    paid_cumulative = np.minimum(demand, capital)
    paid = np.diff(paid_cumulative, axis=1, prepend=0.0)
    ran_out = (demand >= capital) & (demand > 0.0)
    first = np.where(ran_out.any(axis=1), ran_out.argmax(axis=1) + 1, horizon + 1)
    low, high = np.percentile(paid, BAND, axis=0)
    cum_low, cum_high = np.percentile(paid_cumulative, BAND, axis=0)
    expected, expected_cumulative = paid.mean(axis=0), paid_cumulative.mean(axis=0)
    months = [
        MonthFigures(
            index=m + 1,
            expected_payout_fen=_fen(expected[m]),
            payout_p5_fen=_fen(low[m]),
            payout_p95_fen=_fen(high[m]),
            expected_cumulative_fen=_fen(expected_cumulative[m]),
            cumulative_p5_fen=_fen(cum_low[m]),
            cumulative_p95_fen=_fen(cum_high[m]),
            expected_remaining_fen=_fen(capital - expected_cumulative[m]),
            runout_probability_bp=_bp(float(np.mean(first <= m + 1))),
        )
        for m in range(horizon)
    ]
    median = int(np.quantile(first, 0.5, method="inverted_cdf"))
    return Outcome(
        months=months,
        expected_total_fen=_fen(expected_cumulative[-1]),
        runout_probability_bp=_bp(float(np.mean(first <= horizon))),
        median_runout_month=median if median <= horizon else None,
    )


def _fen(value: float) -> int:
    """A simulated amount as whole fen, to the nearest, never below zero."""
    return max(round(float(value)), 0)


def _bp(share: float) -> int:
    return round(share * BASIS_POINTS)
