"""Retention of delivery attempts: those of delivered events go after the retention period.

Attempts of events still pending or dead are kept however old: staff read them to decide on a
redelivery (a dead letter lists its attempts). Once a redelivered event is acknowledged its
attempts age out like any other's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery.models import DeliveryAttempt


def purge_attempts_batch(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` attempts made before ``before`` of delivered events; how many."""
    ids = session.exec(
        select(DeliveryAttempt.id)
        .join(OutboxEvent, col(OutboxEvent.id) == col(DeliveryAttempt.outbox_id))
        .where(
            col(DeliveryAttempt.at) < before,
            OutboxEvent.status == DeliveryStatus.DELIVERED,
        )
        .order_by(col(DeliveryAttempt.id))
        .limit(limit)
    ).all()
    if ids:
        session.execute(delete(DeliveryAttempt).where(col(DeliveryAttempt.id).in_(list(ids))))
    return len(ids)
