"""Population stability index (PSI) between two runs, from stored bin profiles."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

BINS = 10
EPSILON = 1e-4


def profile(values: pd.Series, *, bins: int = BINS) -> dict[str, Any]:
    """Decile edges of ``values`` and the share per bin; missing values are a bin of their own."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    present = numbers.dropna()
    edges: list[float] = []
    if len(present):
        quantiles = np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])
        edges = [float(edge) for edge in np.unique(quantiles)]
    return {"edges": edges, "shares": shares(numbers, edges)}


def shares(values: pd.Series, edges: list[float]) -> list[float]:
    """Share of ``values`` in each bin defined by ``edges``, plus the share missing, last."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    missing = np.isnan(numbers)
    counts = np.bincount(
        np.searchsorted(edges, numbers[~missing], side="right"), minlength=len(edges) + 1
    ).astype(float)
    total = max(len(numbers), 1)
    return [*(counts / total).tolist(), float(missing.sum() / total)]


def psi(expected: dict[str, Any], actual: pd.Series) -> float:
    """PSI of ``actual`` against an earlier profile: Σ (a − e) ln(a / e) over its bins."""
    e = np.asarray(expected["shares"], dtype=float) + EPSILON
    a = np.asarray(shares(actual, expected["edges"]), dtype=float) + EPSILON
    return float(np.sum((a - e) * np.log(a / e)))
