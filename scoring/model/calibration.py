"""Isotonic calibration (pool adjacent violators) from raw scores to probabilities of default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class IsotonicCalibrator:
    """A non-decreasing step function of the raw score, interpolated between block centres."""

    thresholds: tuple[float, ...]
    values: tuple[float, ...]

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(raw, dtype=float), self.thresholds, self.values)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "isotonic",
            "thresholds": list(self.thresholds),
            "values": list(self.values),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IsotonicCalibrator:
        return cls(thresholds=tuple(data["thresholds"]), values=tuple(data["values"]))


def fit_isotonic(raw: np.ndarray, label: np.ndarray, *, floor: float = 1e-4) -> IsotonicCalibrator:
    """Fit PD = f(raw), f non-decreasing, by pooling adjacent violators on the sorted scores."""
    order = np.argsort(raw, kind="stable")
    x, y = np.asarray(raw, dtype=float)[order], np.asarray(label, dtype=float)[order]
    sums, counts, lefts, rights = [], [], [], []
    for xi, yi in zip(x, y, strict=True):
        sums.append(yi)
        counts.append(1.0)
        lefts.append(xi)
        rights.append(xi)
        while len(sums) > 1 and sums[-2] / counts[-2] >= sums[-1] / counts[-1]:
            merged_sum, merged_count, right = sums.pop(), counts.pop(), rights.pop()
            lefts.pop()
            sums[-1] += merged_sum
            counts[-1] += merged_count
            rights[-1] = right
    centres = [(left + right) / 2 for left, right in zip(lefts, rights, strict=True)]
    means = [max(floor, min(1 - floor, s / c)) for s, c in zip(sums, counts, strict=True)]
    return IsotonicCalibrator(thresholds=tuple(centres), values=tuple(means))
