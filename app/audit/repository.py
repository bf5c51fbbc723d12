"""Every query of the audit log; the log is only ever appended to (see ``service.record``)."""

from __future__ import annotations

from collections.abc import Sequence

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
    where = [AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id]
    if action is not None:
        where.append(AuditEvent.action == action)
    rows = session.exec(
        select(AuditEvent)
        .where(*where)
        .order_by(col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*where)).one()
    return rows, total
