"""Any labelled table through the same training code: preparation, errors, cross-validation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.model import tabular
from scoring.model.estimator import InvalidTrainingData
from scoring.model.metrics import auc
from scoring.training.table import evaluate_file
from tests.scoring.model.data import loan_book


def test_text_labels_categories_and_gaps_need_no_preparation() -> None:
    frame, _ = loan_book(200)
    frame["bad"] = frame["bad"].map({1: "是", 0: "否"})
    frame.loc[3, "bad"] = None
    table = tabular.prepare(frame, label="bad", id_column="loan_id")
    assert list(table.X.columns) == ["arrears", "growth", "sector"]
    assert isinstance(table.X["sector"].dtype, pd.CategoricalDtype)
    assert table.X["growth"].isna().any()  # missing stays missing
    assert set(table.y) == {0, 1} and table.dropped_unlabelled == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["bad"]), "label column 'bad' is not in the table"),
        (lambda f: f.assign(bad=np.arange(len(f)) % 3), "not binary"),
        (lambda f: f.assign(bad="maybe"), "not binary"),
        (lambda f: f.assign(bad=0), "only one class"),
        (lambda f: f[["bad"]], "no feature columns"),
    ],
)
def test_unusable_tables_are_clear_errors(change, message: str) -> None:  # type: ignore[no-untyped-def]
    frame, _ = loan_book(100)
    with pytest.raises(InvalidTrainingData, match=message):
        tabular.prepare(change(frame), label="bad")


def test_unknown_id_column_is_an_error() -> None:
    frame, _ = loan_book(100)
    with pytest.raises(InvalidTrainingData, match="id column"):
        tabular.prepare(frame, label="bad", id_column="nope")


def test_folds_are_stratified() -> None:
    y = pd.Series([1] * 20 + [0] * 180)
    folds = tabular.stratified_folds(y, folds=5, seed=1)
    for fold in range(5):
        assert (y[folds == fold] == 1).sum() == 4


def test_cross_validation_on_an_imbalanced_file(tmp_path: Path) -> None:
    frame, true_pd = loan_book(3000)
    path = tmp_path / "book.csv"
    frame.to_csv(path, index=False)
    result = evaluate_file(path, label="bad", id_column="loan_id", folds=3)
    assert result["n"] == 3000 and result["positives"] == int(frame["bad"].sum())
    assert result["positives"] / result["n"] < 0.15  # imbalanced
    oracle = auc(frame["bad"].to_numpy(), true_pd)
    assert result["auc"] > 0.85 * oracle and 0 < result["brier"] < 0.2 and result["ks"] > 0.2
