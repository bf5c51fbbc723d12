"""Point-in-time features per enterprise (特征): ``build_features`` and the feature catalogue."""

from __future__ import annotations

from scoring.features.build import build_features
from scoring.features.catalogue import CATEGORICAL, FEATURES, MONOTONE, describe, render_markdown
from scoring.features.families.base import FeatureSpec, Unit

__all__ = [
    "CATEGORICAL",
    "FEATURES",
    "MONOTONE",
    "FeatureSpec",
    "Unit",
    "build_features",
    "describe",
    "render_markdown",
]
