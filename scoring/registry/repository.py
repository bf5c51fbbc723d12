"""Every query of the model registry (`model_versions`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from scoring.registry.models import ModelVersion


def count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(ModelVersion)).one())


def by_name(session: Session, name: str) -> ModelVersion | None:
    return session.exec(select(ModelVersion).where(ModelVersion.name == name)).first()


def newest_first(session: Session) -> Sequence[ModelVersion]:
    return session.exec(select(ModelVersion).order_by(col(ModelVersion.id).desc())).all()


def champion(session: Session) -> ModelVersion | None:
    return session.exec(select(ModelVersion).where(col(ModelVersion.is_champion))).first()


def step_down_champion(session: Session) -> None:
    """No version is champion any more (the promotion names the next in the same transaction)."""
    session.execute(
        update(ModelVersion).where(col(ModelVersion.is_champion)).values(is_champion=False)
    )
