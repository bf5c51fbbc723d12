"""Train and register, or just evaluate, a model on any labelled table file."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session

from app.audit.service import Actor
from scoring.model import metrics, tabular
from scoring.registry import service as registry_service
from scoring.registry.models import ModelVersion


def evaluate_file(
    path: Path, *, label: str, id_column: str | None, folds: int, seed: int = 7
) -> dict[str, Any]:
    """K-fold cross-validated AUC, KS and Brier of the platform's model on the table."""
    table = tabular.prepare(tabular.read_table(path), label=label, id_column=id_column)
    return tabular.cross_validate(table, folds=folds, seed=seed)


def train_file(
    session: Session,
    *,
    path: Path,
    label: str,
    id_column: str | None,
    actor: Actor,
    seed: int = 7,
) -> ModelVersion:
    """Fit on four fifths, measure on the held-out fifth, and register the version."""
    table = tabular.prepare(tabular.read_table(path), label=label, id_column=id_column)
    held = tabular.stratified_folds(table.y, folds=5, seed=seed) == 0
    model = tabular.fit_on(table, np.flatnonzero(~held), seed=seed)
    test = metrics.summary(table.y[held].to_numpy(), model.predict_pd(table.X[held]))
    return registry_service.register(
        session,
        model=model,
        source=f"table:{path.name}",
        training_window={"table": path.name, "label": label, "rows": len(table.y)},
        metrics={"test": test},
        data_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        actor=actor,
    )
