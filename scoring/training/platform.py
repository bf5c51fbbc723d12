"""Train the platform's own model on what it has ingested, and register it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

import pandas as pd
from sqlmodel import Session

from app.audit.service import Actor
from scoring.features import build_features
from scoring.features.catalogue import MONOTONE
from scoring.registry import service as registry_service
from scoring.registry.models import ModelVersion
from scoring.sources import repository as source_repository
from scoring.sources.snapshot import load_sources
from scoring.sources.store import SourceStore
from scoring.training.labels import HORIZON_MONTHS
from scoring.training.pipeline import snapshots, train

DEFAULT_MONTHS = 24  # a 36-month history has 24 as-of months with a fully reported outcome


def lightgbm_constraints(directions: Mapping[str, int]) -> dict[str, int]:
    """The catalogue says +1 when more is safer; the model predicts default, so the sign flips."""
    return {name: -direction for name, direction in directions.items() if direction}


def labelled_months(outcomes: pd.DataFrame, *, count: int) -> list[date]:
    """The latest ``count`` as-of months whose 12-month label window is fully reported."""
    if outcomes.empty:
        raise ValueError("no loan outcomes have been loaded: there is nothing to learn from")
    last = pd.Timestamp(outcomes["report_month"].max()).to_period("M")
    latest = last - (HORIZON_MONTHS - 1)
    return [(latest - offset).to_timestamp().date() for offset in range(count - 1, -1, -1)]


def train_platform_model(
    session: Session,
    *,
    store: SourceStore,
    actor: Actor,
    months: int = DEFAULT_MONTHS,
    seed: int = 7,
) -> ModelVersion:
    """Snapshots over ``months`` as-of months, out-of-time split, calibrated, registered."""
    sources = load_sources(session, store=store)
    chosen = labelled_months(sources["loan_outcomes"], count=months)
    trained = train(
        snapshots(sources, months=chosen, build=build_features),
        monotone=lightgbm_constraints(MONOTONE),
        seed=seed,
    )
    window = {
        "train": [str(m) for m in trained.split.train],
        "valid": trained.split.holdout,
        "test": [str(m) for m in trained.split.test],
    }
    return registry_service.register(
        session,
        model=trained.model,
        source="platform",
        training_window=window,
        metrics=trained.metrics,
        data_sha256=_data_hash(session),
        actor=actor,
    )


def _data_hash(session: Session) -> str:
    """A digest of every loaded batch's content: the same data gives the same hash."""
    hashes = source_repository.loaded_content_hashes(session)
    return hashlib.sha256("".join(hashes).encode()).hexdigest()
