import hashlib

import numpy as np
import pandas as pd
import pytest

from scoring.model.estimator import CreditModel, InvalidTrainingData
from scoring.model.metrics import auc
from tests.scoring.model.data import loan_book


def split() -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    frame, _ = loan_book(3000)
    X = frame[["arrears", "growth", "sector"]].assign(
        sector=lambda f: f["sector"].astype("category")
    )
    y = frame["bad"]
    return X[:2000], y[:2000], X[2000:], y[2000:]


def fit(**kwargs: object) -> CreditModel:
    X, y, Xv, yv = split()
    return CreditModel(seed=11, **kwargs).fit(X, y, X_valid=Xv, y_valid=yv)  # type: ignore[arg-type]


def test_fits_handles_missing_and_categories_and_predicts_probabilities() -> None:
    model = fit()
    _, _, Xv, yv = split()
    pd_ = model.predict_pd(Xv)
    assert ((pd_ > 0) & (pd_ < 1)).all()
    assert auc(yv.to_numpy(), pd_) > 0.7
    assert model.best_iteration_ > 0 and model.feature_names_ == ["arrears", "growth", "sector"]


def test_monotone_constraint_holds_on_a_grid() -> None:
    model = fit(monotone={"arrears": 1, "growth": -1})
    grid = pd.DataFrame(
        {
            "arrears": np.arange(0, 8, dtype=float),
            "growth": 0.0,
            "sector": pd.Categorical(["零售"] * 8),
        }
    )
    assert np.all(np.diff(model.raw_score(grid)) >= 0)
    grid = pd.DataFrame(
        {"arrears": 1.0, "growth": np.linspace(-3, 3, 13), "sector": pd.Categorical(["零售"] * 13)}
    )
    assert np.all(np.diff(model.raw_score(grid)) <= 0)


def test_same_data_and_seed_give_the_same_model_bytes() -> None:
    first, second = fit(), fit()
    digest = [hashlib.sha256(m.model_text().encode()).hexdigest() for m in (first, second)]
    assert digest[0] == digest[1]


def test_contributions_add_up_to_the_raw_score() -> None:
    model = fit()
    _, _, Xv, _ = split()
    contributions = model.contributions(Xv[:50])
    bias = model.booster_.predict(
        model._aligned(Xv[:50]), pred_contrib=True, num_iteration=model.best_iteration_
    )[:, -1]
    assert np.allclose(contributions.sum(axis=1) + bias, model.raw_score(Xv[:50]))


def test_our_matrix_predicts_exactly_what_lightgbms_own_pandas_conversion_does() -> None:
    model = fit()
    _, _, Xv, _ = split()
    frame = Xv[:200].copy()
    frame.loc[frame.index[:5], "arrears"] = np.nan
    # categories as plain text, an unseen one, and a missing one, as online rows arrive
    frame["sector"] = frame["sector"].astype(object)
    frame.loc[frame.index[5], "sector"] = "从未见过的行业"
    frame.loc[frame.index[6], "sector"] = None
    through_pandas = model.booster_.predict(
        model._aligned(frame), num_iteration=model.best_iteration_, raw_score=True
    )
    assert np.array_equal(model.raw_score(frame), through_pandas)
    contributions = model.booster_.predict(
        model._aligned(frame), num_iteration=model.best_iteration_, pred_contrib=True
    )[:, :-1]
    assert np.array_equal(model.contributions(frame).to_numpy(), contributions)


@pytest.mark.parametrize(
    ("labels", "message"),
    [([0, 1, 2] * 10, "0/1"), ([0] * 30, "one class"), ([0, 1, None] * 10, "0/1")],
)
def test_bad_labels_are_clear_errors(labels: list[object], message: str) -> None:
    X = pd.DataFrame({"x": np.arange(30.0)})
    y = pd.Series(labels, dtype="float")
    with pytest.raises(InvalidTrainingData, match=message):
        CreditModel().fit(X, y, X_valid=X, y_valid=pd.Series([0, 1] * 15))
