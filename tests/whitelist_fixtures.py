"""A small world for whitelist tests: a champion model that has scored enterprises."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from app.core.clock import utcnow
from app.enterprises.models import Enterprise
from scoring.registry.models import ModelVersion
from scoring.scores.models import Score
from tests.factories import make_application, make_authorization, make_enterprise

MODEL = "m-wl-001"


def champion_row() -> ModelVersion:
    """A champion as the registry lists it; its artifact is never loaded by these tests."""
    return ModelVersion(
        name=MODEL,
        source="test",
        trained_by="test",
        artifact_path="/nonexistent",
        artifact_sha256="0" * 64,
        data_sha256="0" * 64,
        is_champion=True,
    )


@pytest.fixture
def champion(db: Session) -> ModelVersion:
    version = champion_row()
    db.add(version)
    db.flush()
    return version


def score(db: Session, uscc: str, grade: str, *, model: str = MODEL) -> None:
    db.add(
        Score(
            uscc=uscc,
            as_of=date(2026, 11, 1),
            model_name=model,
            pd=0.01,
            points=620,
            grade=grade,
            reasons=[],
        )
    )
    db.flush()


@pytest.fixture
def qualified(db: Session, champion: ModelVersion) -> Callable[..., Enterprise]:
    """An enterprise meeting every default rule, unless told otherwise."""

    def make(
        *,
        grade: str = "A",
        age_days: int = 800,
        applies: bool = True,
        consents: bool = True,
        scored: bool = True,
        **fields: Any,
    ) -> Enterprise:
        firm = make_enterprise(
            db, registration_date=utcnow().date() - timedelta(days=age_days), **fields
        )
        if scored:
            score(db, firm.uscc, grade)
        if applies:
            make_application(db, firm)
        if consents:
            make_authorization(db, firm.uscc, scope="assessment")
        return firm

    return make
