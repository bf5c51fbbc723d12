"""What staff and banks see and do about deliveries: the list (dead letters, 死信, first) and
redelivery. A bank passes its own ``lender_code`` and never sees another bank's events: one
addressed elsewhere is not found, exactly as a missing one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.taskqueue import enqueue_after_commit
from app.outbox.models import DeliveryStatus, OutboxEvent
from app.outbox.service import DELIVER_TASK
from lenders.delivery import repository
from lenders.delivery.exceptions import DeliveryNotDead, DeliveryNotFound
from lenders.delivery.models import DeliveryAttempt

Row = tuple[OutboxEvent, list[DeliveryAttempt]]


def list_page(
    session: Session,
    *,
    status: DeliveryStatus | None,
    lender_code: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Row], int]:
    """Outbox events newest first, each with its latest attempts."""
    rows, total = repository.page_events(
        session, status=status, lender_code=lender_code, offset=offset, limit=limit
    )
    attempts = repository.attempts_of(session, [r.id for r in rows if r.id is not None])
    return [(row, attempts.get(row.id or 0, [])) for row in rows], total


def dead_count(session: Session, *, lender_code: str) -> int:
    """How many of the bank's events are dead letters now."""
    _rows, total = repository.page_events(
        session, status=DeliveryStatus.DEAD, lender_code=lender_code, offset=0, limit=0
    )
    return total


def get(session: Session, *, event_id: str, lender_code: str | None = None) -> Row:
    """The event with its latest attempts; with ``lender_code``, only that bank's."""
    event = repository.get_event(session, event_id, lender_code=lender_code)
    if event is None:
        raise DeliveryNotFound(f"event {event_id} does not exist")
    return event, repository.attempts_of(session, [event.id or 0]).get(event.id or 0, [])


def redeliver(
    session: Session,
    *,
    event_id: str,
    actor: Actor,
    lender_code: str | None = None,
    now: datetime | None = None,
) -> OutboxEvent:
    """Put a dead event back to pending, due now, with a new retry window (audited); with
    ``lender_code``, only an event addressed to that bank."""
    now = now or utcnow()
    event = repository.get_event(session, event_id, lender_code=lender_code, for_update=True)
    if event is None:
        raise DeliveryNotFound(f"event {event_id} does not exist")
    if event.status is not DeliveryStatus.DEAD:
        raise DeliveryNotDead(
            f"event {event_id} is {event.status.value}; only dead letters are redelivered",
            delivery_status=event.status.value,
        )
    event.status = DeliveryStatus.PENDING
    event.attempts = 0
    event.next_attempt_at = now
    event.give_up_at = now + timedelta(hours=get_settings().delivery.retry_hours)
    session.add(event)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="delivery.redeliver",
        subject_type="outbox_event",
        subject_id=event_id,
        detail={"lender_code": event.lender_code, "type": event.topic},
    )
    enqueue_after_commit(session, DELIVER_TASK, once=True)
    return event
