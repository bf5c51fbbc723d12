"""Discrimination and calibration measures: AUC, KS, Brier, calibration by decile."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def auc(label: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve by the rank-sum formula (ties count half)."""
    y = np.asarray(label, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = pd.Series(np.asarray(score, dtype=float)).rank(method="average").to_numpy()
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def ks(label: np.ndarray, score: np.ndarray) -> float:
    """Largest gap between the score distributions of defaulters and non-defaulters."""
    y = np.asarray(label, dtype=bool)
    if y.all() or not y.any():
        return float("nan")
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    hits = np.cumsum(y[order]) / y.sum()
    misses = np.cumsum(~y[order]) / (~y).sum()
    return float(np.max(np.abs(hits - misses)))


def brier(label: np.ndarray, pd_: np.ndarray) -> float:
    return float(np.mean((np.asarray(pd_, dtype=float) - np.asarray(label, dtype=float)) ** 2))


def calibration_by_decile(label: np.ndarray, pd_: np.ndarray) -> list[dict[str, float]]:
    """Mean predicted PD against observed default rate in each decile of predicted PD."""
    frame = pd.DataFrame({"y": np.asarray(label, dtype=float), "p": np.asarray(pd_, dtype=float)})
    frame["decile"] = pd.qcut(frame["p"].rank(method="first"), 10, labels=False)
    grouped = frame.groupby("decile").agg(
        n=("y", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    return [
        {
            "decile": int(d) + 1,
            "n": int(r.n),
            "predicted": float(r.predicted),
            "observed": float(r.observed),
        }
        for d, r in grouped.iterrows()
    ]


def calibration_error(table: list[dict[str, float]]) -> float:
    """The largest absolute gap, in probability, between predicted and observed by decile."""
    return max(abs(row["predicted"] - row["observed"]) for row in table)


def summary(label: np.ndarray, pd_: np.ndarray) -> dict[str, Any]:
    """AUC, KS, Brier, counts and the calibration table, as stored on a model card."""
    y = np.asarray(label, dtype=int)
    table = calibration_by_decile(y, pd_) if len(y) >= 10 else []
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "auc": auc(y, pd_),
        "ks": ks(y, pd_),
        "brier": brier(y, pd_),
        "calibration": table,
        "calibration_error": calibration_error(table) if table else None,
    }
