"""Writing events to the outbox, one per receiving bank; the delivery pushes them after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.taskqueue import enqueue_after_commit
from app.outbox.models import OutboxEvent

DELIVER_TASK = "lenders.deliver_due"


def publish(
    session: Session, *, topic: str, lender_codes: Iterable[str], payload: dict[str, Any]
) -> list[OutboxEvent]:
    """Queue ``payload`` for each bank in the caller's transaction: sent only if it commits.

    The bank receives ``{"id", "type": topic, "created_at", "data": payload}`` by signed webhook
    (``lenders.delivery``) and from ``GET /api/v1/lender/events``. Delivery starts right after the
    commit; beat sweeps up anything a lost kick left behind.
    """
    now = utcnow()
    give_up_at = now + timedelta(hours=get_settings().delivery.retry_hours)
    events = [
        OutboxEvent(
            topic=topic,
            lender_code=code,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
            give_up_at=give_up_at,
        )
        for code in sorted(set(lender_codes))
    ]
    session.add_all(events)
    session.flush()
    if events:
        enqueue_after_commit(session, DELIVER_TASK, once=True)
    return events
