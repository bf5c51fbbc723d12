"""What a model report shows, as tables: ROC and KS curves, grades, feature importance, reasons.

Each function returns a data frame that a notebook or a page only has to draw; the numbers agree
with ``scoring.model.metrics`` (the area under ``roc_curve`` is ``metrics.auc``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scoring.features.catalogue import FEATURES
from scoring.model.estimator import CreditModel
from scoring.model.scale import GRADE_NAMES, ScoreScale

GRADES = tuple(GRADE_NAMES)


def _cumulative(label: Any, score: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct scores from the riskiest down, and defaulters and others at or above each."""
    y = np.asarray(label, dtype=bool)
    if y.all() or not y.any():
        raise ValueError("a curve needs both defaulters and non-defaulters")
    s = np.asarray(score, dtype=float)
    order = np.argsort(-s, kind="stable")
    y, s = y[order], s[order]
    # Tied scores cannot be told apart, so a curve steps only where the score changes.
    last = np.append(np.flatnonzero(np.diff(s) != 0), len(s) - 1)
    return s[last], np.cumsum(y)[last], np.cumsum(~y)[last]


def roc_curve(label: Any, score: Any) -> pd.DataFrame:
    """False and true positive rates for each cut-off, from (0, 0) to (1, 1)."""
    threshold, hits, misses = _cumulative(label, score)
    return pd.DataFrame(
        {
            "threshold": np.append(np.inf, threshold),
            "fpr": np.append(0.0, misses / misses[-1]),
            "tpr": np.append(0.0, hits / hits[-1]),
        }
    )


def ks_curve(label: Any, score: Any) -> pd.DataFrame:
    """Cumulative shares of defaulters and others against the share turned down, riskiest first."""
    threshold, hits, misses = _cumulative(label, score)
    defaulters, others = hits / hits[-1], misses / misses[-1]
    return pd.DataFrame(
        {
            "threshold": threshold,
            "population": (hits + misses) / (hits[-1] + misses[-1]),
            "defaulters": defaulters,
            "non_defaulters": others,
            "gap": defaulters - others,
        }
    )


def ks_peak(curve: pd.DataFrame) -> pd.Series:
    """The row of ``ks_curve`` where the two distributions are furthest apart (the KS)."""
    return curve.loc[curve["gap"].abs().idxmax()]


def grade_table(label: Any, pd_: Any, *, scale: ScoreScale | None = None) -> pd.DataFrame:
    """Per grade A–E (all five, empty ones too): PD band, count, share, defaults and rates."""
    scale = scale or ScoreScale()
    frame = pd.DataFrame(
        {"y": np.asarray(label, dtype=float), "pd": np.asarray(pd_, dtype=float)}
    ).assign(grade=lambda f: scale.grades(f["pd"].to_numpy()))
    table = (
        frame.groupby("grade")
        .agg(
            n=("y", "size"),
            defaults=("y", "sum"),
            default_rate=("y", "mean"),
            mean_pd=("pd", "mean"),
        )
        .reindex(list(GRADES))
    )
    table[["n", "defaults"]] = table[["n", "defaults"]].fillna(0).astype(int)
    bounds = (0.0, *scale.grade_cutoffs, 1.0)
    table.insert(0, "name", [GRADE_NAMES[grade] for grade in GRADES])
    table.insert(1, "pd_from", bounds[:-1])
    table.insert(2, "pd_to", bounds[1:])
    table.insert(4, "share", table["n"] / max(len(frame), 1))
    table.index.name = "grade"
    return table


def feature_importance(model: CreditModel, *, top: int | None = None) -> pd.DataFrame:
    """Total split gain per feature over the trees used, largest first, with its Chinese name."""
    gain = np.asarray(
        model.booster_.feature_importance(importance_type="gain", iteration=model.best_iteration_),
        dtype=float,
    )
    names = list(model.feature_names_)
    table = pd.DataFrame(
        {
            "feature": names,
            "zh": [FEATURES[name].zh if name in FEATURES else name for name in names],
            "gain": gain,
            "share": gain / gain.sum() if gain.sum() > 0 else 0.0,
        }
    )
    table = table.sort_values(
        ["gain", "feature"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return table if top is None else table.head(top)


def reason_examples(scored: pd.DataFrame, *, per_grade: int = 1) -> pd.DataFrame:
    """Per grade, riskiest grade first, the enterprises in the middle of it, reasons joined."""
    ranked = scored.sort_values("pd", ascending=False, kind="stable")
    parts = []
    for grade in reversed(GRADES):
        members = ranked[ranked["grade"] == grade]
        start = max(len(members) // 2 - per_grade // 2, 0)
        parts.append(members.iloc[start : start + per_grade])
    chosen = pd.concat(parts)
    return pd.DataFrame(
        {
            "grade": chosen["grade"],
            "points": chosen["points"],
            "pd": chosen["pd"],
            "reasons": ["；".join(r["text"] for r in reasons) for reasons in chosen["reasons"]],
        },
        index=chosen.index,
    )
