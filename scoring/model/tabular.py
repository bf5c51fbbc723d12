"""Any labelled table — a bank's or the office's own loan book — through the same training code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scoring.model import metrics
from scoring.model.estimator import CreditModel, InvalidTrainingData

TRUE_LABELS = {"1", "true", "yes", "y", "是", "default", "bad", "违约"}
FALSE_LABELS = {"0", "false", "no", "n", "否", "good", "正常"}


@dataclass(frozen=True)
class LabelledTable:
    X: pd.DataFrame
    y: pd.Series
    dropped_unlabelled: int


def read_table(path: Path) -> pd.DataFrame:
    """CSV (UTF-8 or GB18030), Excel or Parquet, with types inferred as a spreadsheet would."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(path, engine="openpyxl")
    try:
        return pd.read_csv(path, encoding="utf-8")
    except UnicodeDecodeError:
        return pd.read_csv(path, encoding="gb18030")


def prepare(frame: pd.DataFrame, *, label: str, id_column: str | None = None) -> LabelledTable:
    """Features and a 0/1 label from any table; refuses a missing or non-binary label clearly."""
    if label not in frame.columns:
        raise InvalidTrainingData(
            f"label column {label!r} is not in the table; "
            f"columns are {', '.join(map(str, frame.columns))}"
        )
    if id_column and id_column not in frame.columns:
        raise InvalidTrainingData(f"id column {id_column!r} is not in the table")
    y = _binary(frame[label], label)
    keep = y.notna()
    drop = [label, *([id_column] if id_column else [])]
    X = _features(frame.drop(columns=drop)[keep.to_numpy()])
    if X.shape[1] == 0:
        raise InvalidTrainingData("the table has no feature columns besides the label and id")
    return LabelledTable(
        X=X.reset_index(drop=True),
        y=y[keep].astype(int).reset_index(drop=True),
        dropped_unlabelled=int((~keep).sum()),
    )


def _binary(values: pd.Series, name: str) -> pd.Series:
    text = values.astype("string").str.strip().str.lower()
    numeric = pd.to_numeric(text, errors="coerce")
    mapped = pd.Series(np.nan, index=values.index)
    mapped[text.isin(TRUE_LABELS).fillna(False).to_numpy()] = 1
    mapped[text.isin(FALSE_LABELS).fillna(False).to_numpy()] = 0
    mapped = mapped.fillna(numeric.where(numeric.isin([0, 1])).astype("float64"))
    unknown = text.notna() & mapped.isna()
    if unknown.any():
        examples = ", ".join(sorted(map(str, text[unknown].unique()[:5])))
        raise InvalidTrainingData(f"label {name!r} is not binary: found values such as {examples}")
    if mapped.dropna().nunique() < 2:
        raise InvalidTrainingData(f"label {name!r} has only one class; both are needed")
    return mapped


def _features(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers stay numbers (missing stays missing); text and flags become categories."""
    out = {}
    for name, column in frame.items():
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            out[str(name)] = column.astype(float)
        elif pd.api.types.is_datetime64_any_dtype(column):
            out[str(name)] = (column - pd.Timestamp("1970-01-01")).dt.days.astype(float)
        else:
            out[str(name)] = column.astype("string").astype("category")
    return pd.DataFrame(out)


def stratified_folds(y: pd.Series, *, folds: int, seed: int) -> np.ndarray:
    """A fold number per row, each class spread evenly over the folds."""
    if folds < 2:
        raise InvalidTrainingData("cross-validation needs at least 2 folds")
    if int(y.sum()) < folds or int((1 - y).sum()) < folds:
        raise InvalidTrainingData(f"too few rows of a class for {folds} folds")
    rng = np.random.default_rng(seed)
    assignment = np.empty(len(y), dtype=int)
    for value in (0, 1):
        index = np.flatnonzero(y.to_numpy() == value)
        rng.shuffle(index)
        assignment[index] = np.arange(len(index)) % folds
    return assignment


def fit_on(table: LabelledTable, rows: np.ndarray, *, seed: int) -> CreditModel:
    """Fit on ``rows``; a stratified fifth of them is held for early stopping and calibration."""
    subset_y = table.y.iloc[rows].reset_index(drop=True)
    inner = stratified_folds(subset_y, folds=5, seed=seed) == 0
    X = table.X.iloc[rows].reset_index(drop=True)
    return CreditModel(seed=seed).fit(
        X[~inner], subset_y[~inner], X_valid=X[inner], y_valid=subset_y[inner]
    )


def cross_validate(table: LabelledTable, *, folds: int = 5, seed: int = 7) -> dict[str, Any]:
    """Out-of-fold AUC, KS and Brier from K models trained by the platform's own code path."""
    assignment = stratified_folds(table.y, folds=folds, seed=seed)
    predicted = np.empty(len(table.y))
    for fold in range(folds):
        model = fit_on(table, np.flatnonzero(assignment != fold), seed=seed + fold)
        held = assignment == fold
        predicted[held] = model.predict_pd(table.X[held])
    y = table.y.to_numpy()
    return {
        "auc": metrics.auc(y, predicted),
        "ks": metrics.ks(y, predicted),
        "brier": metrics.brier(y, predicted),
        "n": len(y),
        "positives": int(y.sum()),
        "folds": folds,
        "dropped_unlabelled": table.dropped_unlabelled,
    }
