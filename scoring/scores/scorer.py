"""Scoring a feature matrix with a fitted model: PD, points, grade and worded reasons."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from scoring.features.catalogue import FEATURES, describe
from scoring.model.estimator import CreditModel
from scoring.model.reasons import plain, top_reasons
from scoring.model.scale import ScoreScale

REASONS = 3


def wording(name: str, value: Any) -> str:
    """The catalogue's Chinese sentence where there is one, else name = value."""
    return describe(name, value) if name in FEATURES else plain(name, value)


def score_features(
    model: CreditModel,
    features: pd.DataFrame,
    *,
    scale: ScoreScale | None = None,
    with_reasons: bool = True,
) -> pd.DataFrame:
    """One row per enterprise (index uscc): pd, points, grade and (unless told not to) reasons."""
    scale = scale or ScoreScale()
    matrix = model.matrix(features)
    pd_ = model.predict_pd(matrix)
    result = pd.DataFrame(
        {"pd": pd_, "points": scale.points(pd_), "grade": scale.grades(pd_)}, index=features.index
    )
    if with_reasons:
        contributions = model.contributions(features, matrix=matrix)
        aligned = features[model.feature_names_]
        result["reasons"] = top_reasons(contributions, aligned, k=REASONS, describe=wording)
    return result


def partition_of(usccs: Sequence[str], *, partitions: int) -> np.ndarray:
    """A stable partition number per enterprise, the same on every worker and every run."""
    return np.fromiter(
        (zlib.crc32(code.encode()) % partitions for code in usccs), dtype=int, count=len(usccs)
    )
