"""Out-of-time split of snapshot months, and a held-out group of enterprises for validation.

The test month is the latest one. The model may only learn from snapshots whose 12-month
outcome was already known on the test month's as-of date (as it would be in production): a
snapshot within the horizon before the test month shares most of its outcome window, and a
model trained on it recognises the very enterprises that will default in the test window.

Validation (early stopping and calibration) uses the training months' snapshots of a fixed
group of enterprises that the trees never see: the same enterprise's neighbouring months
would otherwise tell the trees its label.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from scoring.training.labels import HORIZON_MONTHS

HOLDOUT_GROUPS = 3  # one enterprise in three is held out for validation
MIN_TRAINING_MONTHS = 3


@dataclass(frozen=True)
class TimeSplit:
    train: tuple[date, ...]  # months whose outcomes were known by the test month
    test: tuple[date, ...]
    # validation: the training months' snapshots of these enterprises, never trained on
    holdout: str = f"enterprises with crc32(uscc) % {HOLDOUT_GROUPS} == 0"


def out_of_time(months: Sequence[date], *, gap: int = HORIZON_MONTHS) -> TimeSplit:
    """The last month for testing; training months at least ``gap`` months before it."""
    ordered = sorted(months)
    if not ordered:
        raise ValueError("no snapshot months to split")
    test = ordered[-1]
    cutoff = (pd.Period(test, "M") - gap).to_timestamp().date()
    train = tuple(m for m in ordered if m <= cutoff)
    if len(train) < MIN_TRAINING_MONTHS:
        raise ValueError(
            f"need at least {MIN_TRAINING_MONTHS} snapshot months ending {gap} months before "
            f"the test month {test}, got {len(train)}: ask for at least "
            f"{gap + MIN_TRAINING_MONTHS + 1} months"
        )
    return TimeSplit(train=train, test=(test,))


def held_out(usccs: Sequence[str] | pd.Index) -> np.ndarray:
    """True for the enterprises kept out of training to stop early and calibrate on."""
    return np.fromiter(
        (zlib.crc32(str(code).encode()) % HOLDOUT_GROUPS == 0 for code in usccs),
        dtype=bool,
        count=len(usccs),
    )
