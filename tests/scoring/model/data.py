"""A labelled table with a known data-generating process, for model tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def loan_book(n: int = 3000, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Features (numeric with gaps, a category), a 0/1 ``bad`` column, and the true PD."""
    rng = np.random.default_rng(seed)
    arrears = rng.poisson(0.3, n).astype(float)
    growth = rng.normal(0, 1, n)
    sector = rng.choice(["制造", "零售", "餐饮"], n)
    logit = -3.0 + 0.9 * arrears - 0.8 * growth + np.where(sector == "餐饮", 0.6, 0.0)
    true_pd = 1 / (1 + np.exp(-logit))
    growth_seen = np.where(rng.random(n) < 0.15, np.nan, growth)  # missing is normal
    frame = pd.DataFrame(
        {
            "loan_id": [f"L{i:05d}" for i in range(n)],
            "arrears": arrears,
            "growth": growth_seen,
            "sector": sector,
            "bad": (rng.random(n) < true_pd).astype(int),
        }
    )
    return frame, true_pd
