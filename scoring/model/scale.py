"""The points scale and the five grades (优秀/良好/中等/较差/差, A–E)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

GRADE_NAMES = {"A": "优秀", "B": "良好", "C": "中等", "D": "较差", "E": "差"}


@dataclass(frozen=True)
class ScoreScale:
    """Points = offset + factor × ln(good:bad odds); *default* 600 points at 50:1, 20 to double."""

    base_points: float = 600.0
    base_odds: float = 50.0
    points_to_double: float = 20.0
    # Upper PD bound of grades A–D; anything above the last is E. *Defaults*, set by policy.
    grade_cutoffs: tuple[float, ...] = field(default=(0.005, 0.015, 0.04, 0.10))

    @property
    def factor(self) -> float:
        return self.points_to_double / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_points - self.factor * math.log(self.base_odds)

    def points(self, pd_: np.ndarray) -> np.ndarray:
        """Whole points for each probability of default."""
        clipped = np.clip(np.asarray(pd_, dtype=float), 1e-6, 1 - 1e-6)
        return np.rint(self.offset + self.factor * np.log((1 - clipped) / clipped)).astype(int)

    def grades(self, pd_: np.ndarray) -> np.ndarray:
        """Grade letters A–E from the PD cut-offs."""
        index = np.searchsorted(
            np.asarray(self.grade_cutoffs), np.asarray(pd_, dtype=float), side="right"
        )
        return np.asarray(list("ABCDE"))[index]
