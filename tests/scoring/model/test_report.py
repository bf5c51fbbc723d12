"""The model report's tables agree with the metrics and say what a chart needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.model import metrics, report
from scoring.model.estimator import CreditModel
from scoring.model.scale import ScoreScale
from scoring.training.pipeline import default_rate_by_grade


def scores(n: int = 2000, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Labels and a noisy score that ranks them, rounded so that ties occur."""
    rng = np.random.default_rng(seed)
    label = rng.random(n) < 0.1
    score = np.round(label * 0.3 + rng.random(n), 2)
    return label.astype(int), score


def test_the_area_under_the_roc_curve_is_the_auc_with_ties() -> None:
    label, score = scores()
    curve = report.roc_curve(label, score)
    assert curve.iloc[0][["fpr", "tpr"]].tolist() == [0.0, 0.0]
    assert curve.iloc[-1][["fpr", "tpr"]].tolist() == [1.0, 1.0]
    assert (curve["fpr"].diff().dropna() >= 0).all() and (curve["tpr"].diff().dropna() >= 0).all()
    area = np.trapezoid(curve["tpr"], curve["fpr"])
    assert area == pytest.approx(metrics.auc(label, score), abs=1e-12)
    assert len(curve) == len(np.unique(score)) + 1  # one step per distinct score


def test_a_curve_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both defaulters and non-defaulters"):
        report.roc_curve(np.zeros(5), np.arange(5.0))


def test_the_ks_peak_is_the_ks_statistic() -> None:
    label = np.array([0, 0, 1, 1])
    peak = report.ks_peak(report.ks_curve(label, np.array([0.1, 0.2, 0.8, 0.9])))
    assert peak["gap"] == 1.0 and peak["population"] == 0.5 and peak["threshold"] == 0.8
    rng = np.random.default_rng(8)
    label = (rng.random(3000) < 0.2).astype(int)
    untied = label + rng.normal(size=3000)
    curve = report.ks_curve(label, untied)
    assert report.ks_peak(curve)["gap"] == pytest.approx(metrics.ks(label, untied))
    assert curve["population"].iloc[-1] == 1.0 and curve["defaulters"].is_monotonic_increasing


def test_grade_table_lists_every_grade_and_matches_the_training_metrics() -> None:
    label = np.array([0, 0, 1, 0, 1, 1, 0, 1])
    pd_ = np.array([0.001, 0.002, 0.003, 0.01, 0.2, 0.5, 0.3, 0.9])  # nothing in C or D
    table = report.grade_table(label, pd_)
    assert table.index.tolist() == list("ABCDE")
    assert table["name"].tolist() == ["优秀", "良好", "中等", "较差", "差"]
    assert table["n"].tolist() == [3, 1, 0, 0, 4] and table["share"].sum() == pytest.approx(1)
    assert table.loc["C", "defaults"] == 0 and np.isnan(table.loc["C", "default_rate"])
    expected = default_rate_by_grade(label, ScoreScale().grades(pd_))
    for grade, cell in expected.items():
        assert table.loc[grade, "default_rate"] == pytest.approx(cell["default_rate"])
    assert table.loc["B", ["pd_from", "pd_to"]].tolist() == [0.005, 0.015]
    assert table.loc["E", "mean_pd"] == pytest.approx(0.475)


def test_feature_importance_ranks_the_drivers_and_names_catalogue_features() -> None:
    rng = np.random.default_rng(1)
    # A catalogue feature's name on the strongest driver, a plain name on the weaker one.
    X = pd.DataFrame(rng.normal(size=(4000, 3)), columns=["tax_grade", "growth", "noise"])
    logit = -2 + 1.5 * X["tax_grade"] + 0.7 * X["growth"]
    y = pd.Series((rng.random(4000) < 1 / (1 + np.exp(-logit))).astype(int))
    model = CreditModel(seed=3).fit(X[:3000], y[:3000], X_valid=X[3000:], y_valid=y[3000:])
    table = report.feature_importance(model)
    assert table["feature"].tolist() == ["tax_grade", "growth", "noise"]
    assert table["share"].sum() == pytest.approx(1) and table["share"].iloc[0] > 0.5
    assert table["zh"].tolist()[:2] == ["纳税信用等级", "growth"]
    assert report.feature_importance(model, top=2)["feature"].tolist() == ["tax_grade", "growth"]


def test_reason_examples_take_the_middle_of_each_grade_riskiest_first() -> None:
    pd_ = [0.5, 0.3, 0.2, 0.05, 0.02, 0.003, 0.001]
    scored = pd.DataFrame(
        {
            "pd": pd_,
            "points": ScoreScale().points(np.array(pd_)),
            "grade": ScoreScale().grades(np.array(pd_)),
            "reasons": [[{"text": f"理由{i}"}, {"text": "次要"}] for i in range(len(pd_))],
        },
        index=[f"U{i}" for i in range(len(pd_))],
    )
    examples = report.reason_examples(scored)
    assert examples.index.tolist() == ["U1", "U3", "U4", "U6"]  # E, D, C, A; no B
    assert examples["grade"].tolist() == ["E", "D", "C", "A"]
    assert examples.loc["U1", "reasons"] == "理由1；次要"
    pairs = report.reason_examples(scored, per_grade=2)
    assert pairs.index.tolist() == ["U0", "U1", "U3", "U4", "U5", "U6"]  # as many as there are
