"""Retention of delivery attempts: delivered events' old attempts go, in batches; the rest stay."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.config import ScheduleSettings
from app.core.db import session_scope
from app.core.taskqueue import beat_schedule, celery_app, configure_celery
from app.outbox import service as outbox
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery.models import DeliveryAttempt
from lenders.delivery.repository import purge_attempts_batch
from lenders.delivery.tasks import purge_delivery_attempts
from tests.factories import make_lender


def event_with_attempts(db: Session, *, status: DeliveryStatus, ages_days: list[float]) -> int:
    lender = make_lender(db)
    [event] = outbox.publish(db, topic="lead.created", lender_codes=[lender.code], payload={})
    event.status = status
    db.add(event)
    now = utcnow()
    assert event.id is not None
    db.add_all(
        DeliveryAttempt(
            outbox_id=event.id, at=now - timedelta(days=age), status_code=500, duration_ms=5
        )
        for age in ages_days
    )
    db.flush()
    return event.id


def attempts_left(db: Session, outbox_id: int) -> int:
    rows = db.exec(select(DeliveryAttempt).where(col(DeliveryAttempt.outbox_id) == outbox_id))
    return len(rows.all())


def test_old_attempts_of_delivered_events_go_and_pending_or_dead_ones_stay(db: Session) -> None:
    delivered = event_with_attempts(db, status=DeliveryStatus.DELIVERED, ages_days=[40, 35, 31, 2])
    pending = event_with_attempts(db, status=DeliveryStatus.PENDING, ages_days=[40, 35])
    dead = event_with_attempts(db, status=DeliveryStatus.DEAD, ages_days=[40, 35])
    before = utcnow() - timedelta(days=30)
    assert purge_attempts_batch(db, before=before, limit=2) == 2  # a batch is at most its limit
    assert purge_attempts_batch(db, before=before, limit=2) == 1
    assert purge_attempts_batch(db, before=before, limit=2) == 0
    assert attempts_left(db, delivered) == 1  # the recent one
    assert attempts_left(db, pending) == 2 and attempts_left(db, dead) == 2


def test_the_task_purges_in_batches_with_the_retention_setting(committed_database: str) -> None:
    with session_scope() as session:
        events = [
            event_with_attempts(session, status=DeliveryStatus.DELIVERED, ages_days=[31] * 5),
            event_with_attempts(session, status=DeliveryStatus.DEAD, ages_days=[31]),
        ]
    assert purge_delivery_attempts(batch=2) == 5  # three transactions: 2, 2, 1
    with session_scope() as session:
        assert [attempts_left(session, event) for event in events] == [0, 1]
        assert session.exec(select(OutboxEvent)).all()  # events themselves are kept


def test_purges_are_on_beats_daily_schedule() -> None:
    configure_celery()
    schedule = beat_schedule(ScheduleSettings())
    assert schedule["purge-delivery-attempts"]["task"] == "lenders.purge_delivery_attempts"
    assert schedule["purge-idempotency-keys"]["task"] == "ops.purge_idempotency_keys"
    assert {"lenders.purge_delivery_attempts", "ops.purge_idempotency_keys"} <= set(
        celery_app.tasks
    )
    off = beat_schedule(ScheduleSettings(retention_cron=""))
    assert "purge-delivery-attempts" not in off and "purge-idempotency-keys" not in off
