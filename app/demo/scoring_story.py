"""The demo's scoring chapter: train on the ingested city, promote, score everyone."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from app.audit.service import SystemActor
from app.core.config import get_settings
from scoring.model.estimator import InvalidTrainingData
from scoring.registry import service as registry_service
from scoring.registry.exceptions import NoChampion
from scoring.registry.models import ModelVersion
from scoring.scores import service as score_service
from scoring.scores.models import ScoreRun
from scoring.sources.snapshot import load_sources
from scoring.sources.store import SourceStore
from scoring.synthetic.truth import oracle_auc, truth_month
from scoring.training.platform import train_platform_model

TRAINING_MONTHS = 24


def run(session: Session, *, city_dir: Path, as_of: date, actor: SystemActor) -> dict[str, Any]:
    """Keys for the demo summary: scored, model_auc, oracle_auc, grade_default_rates."""
    store = SourceStore(get_settings().data_dir)
    try:
        champion = registry_service.champion(session)
    except NoChampion:
        try:
            champion = train_platform_model(
                session, store=store, actor=actor, months=TRAINING_MONTHS
            )
        except (InvalidTrainingData, ValueError) as error:
            return {"scored": 0, "model_error": str(error)}
        registry_service.promote(session, name=champion.name, actor=actor)
    run = _score_once(session, champion=champion, as_of=as_of, store=store, actor=actor)
    test = champion.metrics["test"]
    return {
        "scored": run.enterprises,
        "model": champion.name,
        "model_auc": round(test["auc"], 4),
        "oracle_auc": _oracle(city_dir, champion),
        "grade_default_rates": {
            grade: round(cell["default_rate"], 4)
            for grade, cell in sorted(test["default_rate_by_grade"].items())
        },
    }


def _score_once(
    session: Session,
    *,
    champion: ModelVersion,
    as_of: date,
    store: SourceStore,
    actor: SystemActor,
) -> ScoreRun:
    done = session.exec(
        select(ScoreRun).where(ScoreRun.model_name == champion.name, ScoreRun.as_of == as_of)
    ).first()
    if done is not None:
        return done
    sources = load_sources(session, store=store)
    return score_service.run_batch(session, as_of=as_of, sources=sources, actor=actor)


def _oracle(city_dir: Path, champion: ModelVersion) -> float | None:
    """The truth's AUC on the same out-of-time snapshot as the model's test metrics."""
    truth_path = city_dir / "truth.parquet"
    test_months = champion.training_window.get("test") or []
    if not truth_path.exists() or not test_months:
        return None
    return round(oracle_auc(pd.read_parquet(truth_path), month=truth_month(test_months[0])), 4)
