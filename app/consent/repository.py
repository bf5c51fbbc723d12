"""Every query of the consent area: authorizations (授权) by enterprise, by id, in force."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.consent.models import Authorization, ConsentPurpose


def get(session: Session, authorization_id: int) -> Authorization | None:
    return session.get(Authorization, authorization_id)


def page_of(
    session: Session, *, uscc: str, offset: int, limit: int
) -> tuple[Sequence[Authorization], int]:
    """The enterprise's authorizations, newest first, and how many it has in all."""
    where = Authorization.uscc == uscc
    rows = session.exec(
        select(Authorization)
        .where(where)
        .order_by(col(Authorization.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Authorization).where(where)).one()
    return rows, total


def in_force(
    session: Session, *, uscc: str, purpose: ConsentPurpose, at: datetime
) -> list[Authorization]:
    """The enterprise's grants for ``purpose`` neither revoked nor expired at ``at``, newest
    first."""
    rows = session.exec(
        select(Authorization)
        .where(
            Authorization.uscc == uscc,
            Authorization.purpose == purpose,
            col(Authorization.revoked_at).is_(None),
            Authorization.expires_at > at,
        )
        .order_by(col(Authorization.id).desc())
    ).all()
    return list(rows)
