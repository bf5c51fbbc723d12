"""The top reasons behind each score, from the model's own feature contributions (pred_contrib)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

Describe = Callable[[str, Any], str]


def plain(name: str, value: Any) -> str:
    """Wording for features without a catalogue entry (tables from outside the platform)."""
    return f"{name} = {value}"


def top_reasons(
    contributions: pd.DataFrame,
    values: pd.DataFrame,
    *,
    k: int = 3,
    describe: Describe = plain,
) -> list[list[dict[str, Any]]]:
    """Per row, the ``k`` features that raise the risk most (positive margin), worded."""
    matrix = contributions.to_numpy(dtype=float)
    names = list(contributions.columns)
    cells = values[names].to_numpy(dtype=object)  # one conversion, then plain indexing
    top = np.argsort(-matrix, axis=1, kind="stable")[:, :k]
    result = []
    for row, picks in enumerate(top.tolist()):
        reasons = []
        for column in picks:
            contribution = matrix[row, column]
            if contribution <= 0:
                break  # nothing left that raises the risk
            value = cells[row, column]
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            reasons.append(
                {
                    "feature": names[column],
                    "contribution": round(float(contribution), 4),
                    "value": None if missing else _plain_value(value),
                    "text": describe(names[column], value),
                }
            )
        result.append(reasons)
    return result


def _plain_value(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else str(value)
