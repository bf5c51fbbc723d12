"""Writing events to the outbox, one per receiving bank."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, col, select

from app.outbox.models import OutboxEvent


def publish(
    session: Session, *, topic: str, lender_codes: Iterable[str], payload: dict[str, Any]
) -> list[OutboxEvent]:
    """Queue ``payload`` for each bank in the caller's transaction: sent only if it commits."""
    events = [
        OutboxEvent(topic=topic, lender_code=code, payload=payload)
        for code in sorted(set(lender_codes))
    ]
    session.add_all(events)
    session.flush()
    return events


def pending(session: Session, *, lender_code: str | None = None) -> Sequence[OutboxEvent]:
    query = select(OutboxEvent).where(col(OutboxEvent.delivered_at).is_(None))
    if lender_code is not None:
        query = query.where(OutboxEvent.lender_code == lender_code)
    return session.exec(query.order_by(col(OutboxEvent.id))).all()
