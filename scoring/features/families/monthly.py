"""Monthly sources as enterprise x month matrices before the as-of month, and window statistics.

Column ``-1`` is the month before the as-of month, column ``-12`` the month a year before it.
A cell without a source row is NaN, so every statistic below is NaN for an enterprise without
rows in its window (missing stays missing) and counts only the months that were reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.features.families.base import Snapshot, month_numbers, numbers

HISTORY_MONTHS = 24


@dataclass(frozen=True)
class Monthly:
    """Values per enterprise (rows) and month (columns, oldest first) of one source."""

    values: dict[str, np.ndarray]

    def __getitem__(self, column: str) -> np.ndarray:
        return self.values[column]


def monthly(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str],
    snapshot: Snapshot,
    months: int = HISTORY_MONTHS,
    scale: dict[str, float] | None = None,
) -> Monthly:
    """The ``months`` months before the as-of month; later rows never enter (no leakage)."""
    firm = snapshot.positions(frame["uscc"])
    column = month_numbers(frame["month"]) - (snapshot.month - months)
    keep = (firm >= 0) & (column >= 0) & (column < months)
    rows, cols = firm[keep], column[keep].astype(np.int64)
    values = {}
    for name in columns:
        matrix = np.full((snapshot.size, months), np.nan)
        factor = (scale or {}).get(name, 1.0)
        matrix[rows, cols] = numbers(frame[name], scale=factor)[keep]
        values[name] = matrix
    return Monthly(values)


def last(matrix: np.ndarray, months: int, *, skip: int = 0) -> np.ndarray:
    """The ``months`` columns that end ``skip`` months before the latest one."""
    end = matrix.shape[1] - skip
    return matrix[:, end - months : end]


def paired(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both matrices with NaN wherever either is missing, so they cover the same months."""
    both = ~np.isnan(first) & ~np.isnan(second)
    return np.where(both, first, np.nan), np.where(both, second, np.nan)


def reported(matrix: np.ndarray) -> np.ndarray:
    """Months with a value, per enterprise."""
    return (~np.isnan(matrix)).sum(axis=1)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is zero or missing."""
    valid = np.isfinite(denominator) & (denominator != 0) & np.isfinite(numerator)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=valid)
    return out


def total(matrix: np.ndarray) -> np.ndarray:
    """Sum of the reported months; NaN when none was reported."""
    sums = np.where(np.isnan(matrix), 0.0, matrix).sum(axis=1)
    return np.where(reported(matrix) > 0, sums, np.nan)


def mean(matrix: np.ndarray, *, min_months: int = 1) -> np.ndarray:
    """Mean of the reported months; NaN with fewer than ``min_months`` of them."""
    count = reported(matrix)
    sums = np.where(np.isnan(matrix), 0.0, matrix).sum(axis=1)
    return np.where(count >= min_months, ratio(sums, count.astype(np.float64)), np.nan)


def months_where(matrix: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """Reported months where ``hit`` holds; NaN when no month was reported."""
    count = (hit & ~np.isnan(matrix)).sum(axis=1).astype(np.float64)
    return np.where(reported(matrix) > 0, count, np.nan)


def latest(matrix: np.ndarray, *, within: int = 3) -> np.ndarray:
    """The most recent reported value among the last ``within`` months, else NaN."""
    window = last(matrix, within)
    valid = ~np.isnan(window)
    newest = within - 1 - np.argmax(valid[:, ::-1], axis=1)
    value = window[np.arange(len(window)), newest]
    return np.where(valid.any(axis=1), value, np.nan)


def change(current: np.ndarray, earlier: np.ndarray, *, min_months: int) -> np.ndarray:
    """Relative change of the sum over months reported in both windows (month for month)."""
    both = ~np.isnan(current) & ~np.isnan(earlier)
    now = np.where(both, current, 0.0).sum(axis=1)
    then = np.where(both, earlier, 0.0).sum(axis=1)
    result = ratio(now, then) - 1.0
    return np.where(both.sum(axis=1) >= min_months, result, np.nan)


def level_change(current: np.ndarray, earlier: np.ndarray, *, min_months: int) -> np.ndarray:
    """Relative change of the mean reported level between two windows."""
    return ratio(mean(current, min_months=min_months), mean(earlier, min_months=min_months)) - 1


def variation(matrix: np.ndarray, *, min_months: int) -> np.ndarray:
    """Coefficient of variation (population sd / mean) of the reported months."""
    centre = mean(matrix, min_months=min_months)
    squares = np.where(np.isnan(matrix), 0.0, (matrix - centre[:, None]) ** 2).sum(axis=1)
    spread = np.sqrt(ratio(squares, reported(matrix).astype(np.float64)))
    return ratio(spread, centre)
