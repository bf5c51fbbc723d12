"""Writing events to the outbox, one per receiving bank."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

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
