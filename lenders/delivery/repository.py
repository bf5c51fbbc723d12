"""Every query of the delivery: webhook endpoints and secrets, due events, attempts, the feed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, literal, or_, tuple_, update
from sqlmodel import Session, col, select

from app.core.db import table_of
from app.core.xact import own_xact_id, xact_horizon
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery.models import DeliveryAttempt, WebhookEndpoint, WebhookSecret
from lenders.institutions.models import Lender


def endpoint(session: Session, lender_id: int) -> WebhookEndpoint | None:
    return session.exec(
        select(WebhookEndpoint).where(WebhookEndpoint.lender_id == lender_id)
    ).first()


def secrets_of(
    session: Session, lender_id: int, *, for_update: bool = False
) -> Sequence[WebhookSecret]:
    """A bank's secrets, newest first; ``for_update`` serialises rotations of one bank."""
    query = (
        select(WebhookSecret)
        .where(WebhookSecret.lender_id == lender_id)
        .order_by(col(WebhookSecret.id).desc())
    )
    if for_update:
        query = query.with_for_update()
    return session.exec(query).all()


def active_secrets(session: Session, *, now: datetime) -> Sequence[WebhookSecret]:
    """Every bank's active secrets, newest first."""
    return session.exec(
        select(WebhookSecret)
        .where(
            col(WebhookSecret.retired_at).is_(None),
            or_(col(WebhookSecret.expires_at).is_(None), col(WebhookSecret.expires_at) > now),
        )
        .order_by(col(WebhookSecret.id).desc())
    ).all()


def endpoints_with_url(session: Session) -> Sequence[tuple[WebhookEndpoint, Lender]]:
    rows = session.exec(
        select(WebhookEndpoint, Lender)
        .join(Lender, col(Lender.id) == col(WebhookEndpoint.lender_id))
        .where(col(WebhookEndpoint.url).is_not(None), col(Lender.is_active).is_(True))
    ).all()
    return [(e, lender) for e, lender in rows]


def hurry_pending(session: Session, *, now: datetime) -> int:
    """Make every pending event waiting for a retry due at ``now``; how many (the demo's rounds)."""
    result = session.execute(
        update(table_of(OutboxEvent))
        .where(
            col(OutboxEvent.status) == DeliveryStatus.PENDING,
            col(OutboxEvent.next_attempt_at) > now,
        )
        .values(next_attempt_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def claim_due(
    session: Session, *, lender_codes: Sequence[str], now: datetime, limit: int
) -> Sequence[OutboxEvent]:
    """Pending events of these banks that are due, oldest due first, locked or skipped.

    On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets several workers claim disjoint batches;
    SQLite has one writer at a time anyway and ignores the clause.
    """
    if not lender_codes:
        return []
    query = (
        select(OutboxEvent)
        .where(
            OutboxEvent.status == DeliveryStatus.PENDING,
            col(OutboxEvent.next_attempt_at) <= now,
            col(OutboxEvent.lender_code).in_(list(lender_codes)),
        )
        .order_by(col(OutboxEvent.next_attempt_at), col(OutboxEvent.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.exec(query).all()


def lease(session: Session, *, ids: Sequence[int], until: datetime) -> None:
    """Push the claimed events' due time past the send, so no other worker takes them."""
    session.execute(
        update(table_of(OutboxEvent))
        .where(table_of(OutboxEvent).c.id.in_(list(ids)))
        .values(next_attempt_at=until)
    )


def record_outcomes(
    session: Session, *, attempts: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    """Write the attempts and the events' new state in bulk (one statement each)."""
    if attempts:
        session.execute(table_of(DeliveryAttempt).insert(), attempts)
    if events:
        # ORM bulk UPDATE by primary key: one executemany.
        session.execute(update(OutboxEvent), events)


def get_event(
    session: Session, event_id: str, *, lender_code: str | None = None, for_update: bool = False
) -> OutboxEvent | None:
    """The event ``event_id``; with ``lender_code``, only if it is addressed to that bank."""
    query = select(OutboxEvent).where(OutboxEvent.event_id == event_id)
    if lender_code is not None:
        query = query.where(OutboxEvent.lender_code == lender_code)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def feed(
    session: Session, *, lender_code: str, after: tuple[int, int], limit: int
) -> Sequence[OutboxEvent]:
    """A bank's final events after the position ``after`` (transaction id, outbox id), in order.

    Final: written by a transaction older than every one still running (or by the reader's
    own), so no event can later commit before the last one handed out; see app.core.xact.
    """
    xact_id, id_ = col(OutboxEvent.xact_id), col(OutboxEvent.id)
    return session.exec(
        select(OutboxEvent)
        .where(
            OutboxEvent.lender_code == lender_code,
            tuple_(xact_id, id_) > tuple_(literal(after[0]), literal(after[1])),
            or_(xact_id < xact_horizon(), xact_id == own_xact_id()),
        )
        .order_by(xact_id, id_)
        .limit(limit)
    ).all()


def page_events(
    session: Session,
    *,
    status: DeliveryStatus | None,
    lender_code: str | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[OutboxEvent], int]:
    """Outbox events newest first, by status and bank."""
    conditions: list[Any] = []
    if status is not None:
        conditions.append(OutboxEvent.status == status)
    if lender_code is not None:
        conditions.append(OutboxEvent.lender_code == lender_code)
    rows = session.exec(
        select(OutboxEvent)
        .where(*conditions)
        .order_by(col(OutboxEvent.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(OutboxEvent).where(*conditions)).one()
    return rows, total


def attempts_of(
    session: Session, outbox_ids: Sequence[int], *, per_event: int = 50
) -> dict[int, list[DeliveryAttempt]]:
    """The latest attempts of each event, oldest first."""
    if not outbox_ids:
        return {}
    rows = session.exec(
        select(DeliveryAttempt)
        .where(col(DeliveryAttempt.outbox_id).in_(list(outbox_ids)))
        .order_by(col(DeliveryAttempt.id))
    ).all()
    grouped: dict[int, list[DeliveryAttempt]] = {}
    for row in rows:
        grouped.setdefault(row.outbox_id, []).append(row)
    return {key: value[-per_event:] for key, value in grouped.items()}


def purge_attempts_batch(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` attempts made before ``before`` of delivered events; how many.

    Attempts of events still pending or dead are kept however old: staff read them to decide on
    a redelivery (a dead letter lists its attempts). Once a redelivered event is acknowledged
    its attempts age out like any other's.
    """
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
