"""Out-of-time split of snapshot months: train on the earliest, validate next, test on the last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TimeSplit:
    train: tuple[date, ...]
    valid: tuple[date, ...]
    test: tuple[date, ...]


def out_of_time(months: list[date], *, valid: int = 2, test: int = 1) -> TimeSplit:
    """The last ``test`` months for testing, the ``valid`` before them for validation."""
    ordered = sorted(months)
    if len(ordered) < valid + test + 1:
        raise ValueError(f"need at least {valid + test + 1} snapshot months, got {len(ordered)}")
    return TimeSplit(
        train=tuple(ordered[: -(valid + test)]),
        valid=tuple(ordered[-(valid + test) : -test]),
        test=tuple(ordered[-test:]),
    )
