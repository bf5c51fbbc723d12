"""Train the platform's model: many as-of snapshots, out-of-time validation, calibrated PD.

The feature builder is passed in, so the same pipeline serves any feature set; the platform's
own is ``scoring.features.build.build_features``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from scoring.model import metrics
from scoring.model.estimator import CreditModel, InvalidTrainingData
from scoring.model.scale import ScoreScale
from scoring.training.labels import labels
from scoring.training.split import TimeSplit, held_out, out_of_time

BuildFeatures = Callable[..., pd.DataFrame]


@dataclass
class Snapshots:
    """Features and labels stacked over as-of months (index: uscc, as_of)."""

    X: pd.DataFrame
    y: pd.Series

    def months(self, chosen: Sequence[date]) -> Snapshots:
        return self.where(self.X.index.get_level_values("as_of").isin(list(chosen)))

    def where(self, mask: np.ndarray) -> Snapshots:
        return Snapshots(X=self.X[mask], y=self.y[mask])


@dataclass
class TrainedModel:
    model: CreditModel
    split: TimeSplit
    metrics: dict[str, Any]


def snapshots(
    sources: Mapping[str, pd.DataFrame], *, months: Sequence[date], build: BuildFeatures
) -> Snapshots:
    """For each as-of month, the borrowers' features (data before it) and labels (12 after)."""
    frames, targets = [], []
    for as_of in months:
        label = labels(sources["loan_outcomes"], as_of=as_of)
        if label.empty:
            continue
        features = build(sources, as_of=as_of, usccs=list(label.index))
        features = features.loc[features.index.intersection(label.index)]
        index = pd.MultiIndex.from_arrays(
            [features.index, [as_of] * len(features)], names=["uscc", "as_of"]
        )
        frames.append(features.set_axis(index))
        targets.append(pd.Series(label.loc[features.index].to_numpy(), index=index))
    if not frames:
        raise ValueError("no as-of month has a fully reported 12-month label window")
    X = pd.concat(frames)
    for name in X.columns:  # categories must agree across months
        if isinstance(frames[0][name].dtype, pd.CategoricalDtype):
            X[name] = X[name].astype(str).astype("category")
    return Snapshots(X=X, y=pd.concat(targets))


def train(
    data: Snapshots,
    *,
    monotone: Mapping[str, int],
    seed: int = 7,
    scale: ScoreScale | None = None,
) -> TrainedModel:
    """Fit on months whose outcomes the test month knew, validate on held-out enterprises."""
    months = sorted(set(data.X.index.get_level_values("as_of")))
    split = out_of_time(months)
    earlier, test_set = data.months(split.train), data.months(split.test)
    holdout = held_out(earlier.X.index.get_level_values("uscc"))
    train_set, valid_set = earlier.where(~holdout), earlier.where(holdout)
    if test_set.y.nunique() < 2:
        # A model whose out-of-time test holds no defaults cannot be judged: refuse to make it.
        raise InvalidTrainingData(
            f"test: the label has only one class in {', '.join(map(str, split.test))}; "
            "train on more months or more loan outcomes"
        )
    model = CreditModel(monotone=monotone, seed=seed).fit(
        train_set.X, train_set.y, X_valid=valid_set.X, y_valid=valid_set.y
    )
    scale = scale or ScoreScale()
    results = {}
    for name, part in (("train", train_set), ("valid", valid_set), ("test", test_set)):
        pd_ = model.predict_pd(part.X)
        results[name] = metrics.summary(part.y.to_numpy(), pd_)
        results[name]["default_rate_by_grade"] = default_rate_by_grade(
            part.y.to_numpy(), scale.grades(pd_)
        )
    return TrainedModel(model=model, split=split, metrics=results)


def default_rate_by_grade(label: np.ndarray, grades: np.ndarray) -> dict[str, dict[str, float]]:
    """Observed default rate and count per grade A–E."""
    frame = pd.DataFrame({"y": label, "grade": grades})
    return {
        grade: {"n": len(group), "default_rate": float(group["y"].mean())}
        for grade, group in frame.groupby("grade")
    }
