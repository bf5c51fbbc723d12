"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlmodel import Session

from app.audit import repository
from app.audit.models import AuditEvent
from app.audit.schemas import AuditFilters
from app.core.clock import city_zone
from app.core.logging import request_id_var


class Actor(Protocol):
    @property
    def ref(self) -> str: ...

    @property
    def role(self) -> str: ...


class SystemActor:
    """The platform itself, for scheduled work and command-line operations."""

    def __init__(self, name: str = "system") -> None:
        self.ref = name
        self.role = "system"


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: str | int,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction, so it exists exactly when the act does."""
    event = AuditEvent(
        actor=actor.ref,
        actor_role=str(actor.role),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        request_id=request_id_var.get(),
        detail=detail or {},
    )
    session.add(event)
    session.flush()
    return event


def for_subject(
    session: Session,
    *,
    subject_type: str,
    subject_id: str,
    action: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[Sequence[AuditEvent], int]:
    """Events about one object (of one kind of ``action`` if given), newest first."""
    return repository.events_about(
        session,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        offset=offset,
        limit=limit,
    )


def _start_of(day: date) -> datetime:
    """The UTC moment the city's calendar ``day`` begins."""
    return datetime.combine(day, time(), tzinfo=city_zone()).astimezone(UTC)


def search(
    session: Session, *, filters: AuditFilters, offset: int = 0, limit: int = 100
) -> tuple[Sequence[AuditEvent], int]:
    """Events matching the filters, newest first; the dates are the city's calendar days,
    both included."""
    return repository.search(
        session,
        actor=filters.actor,
        action=filters.action,
        subject_type=filters.subject_type,
        subject_id=filters.subject_id,
        start=_start_of(filters.since) if filters.since else None,
        end=_start_of(filters.until + timedelta(days=1)) if filters.until else None,
        offset=offset,
        limit=limit,
    )
