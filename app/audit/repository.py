"""Every query of the audit log; the log is only ever appended to (see ``service.record``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent


def events_about(
    session: Session,
    *,
    subject_type: str,
    subject_id: str,
    action: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[AuditEvent], int]:
    """One page of the events about an object, newest first, and how many there are in all."""
    where: list[Any] = [
        AuditEvent.subject_type == subject_type,
        AuditEvent.subject_id == subject_id,
    ]
    if action is not None:
        where.append(AuditEvent.action == action)
    return _newest_first(session, where, offset=offset, limit=limit)


def search(
    session: Session,
    *,
    actor: str | None,
    action: str | None,
    subject_type: str | None,
    subject_id: str | None,
    start: datetime | None,
    end: datetime | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[AuditEvent], int]:
    """One page of the events matching every given filter, newest first, and the total.

    An ``action`` ending in a dot is a family (``user.`` is every ``user.*``); ``end`` is
    exclusive."""
    where: list[Any] = []
    if actor:
        where.append(AuditEvent.actor == actor)
    if action and action.endswith("."):
        where.append(col(AuditEvent.action).startswith(action, autoescape=True))
    elif action:
        where.append(AuditEvent.action == action)
    if subject_type:
        where.append(AuditEvent.subject_type == subject_type)
    if subject_id:
        where.append(AuditEvent.subject_id == subject_id)
    if start:
        where.append(col(AuditEvent.at) >= start)
    if end:
        where.append(col(AuditEvent.at) < end)
    return _newest_first(session, where, offset=offset, limit=limit)


def _newest_first(
    session: Session, where: Sequence[Any], *, offset: int, limit: int
) -> tuple[Sequence[AuditEvent], int]:
    rows = session.exec(
        select(AuditEvent)
        .where(*where)
        .order_by(col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*where)).one()
    return rows, total
