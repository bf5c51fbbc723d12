"""Deliveries for staff over HTTP: dead letters (死信) with their attempts, and redelivery."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.clock import utcnow
from app.outbox import service as outbox
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery.models import DeliveryAttempt
from tests.factories import bearer, make_lender, make_user

URL = "/api/v1/deliveries"


def dead_event(db: Session) -> OutboxEvent:
    lender = make_lender(db)
    (event,) = outbox.publish(db, topic="lead.created", lender_codes=[lender.code], payload={})
    event.status, event.attempts, event.last_status_code = DeliveryStatus.DEAD, 2, 500
    db.add(event)
    db.flush()
    for status in (500, 500):
        db.add(
            DeliveryAttempt(outbox_id=event.id or 0, at=utcnow(), status_code=status, duration_ms=3)
        )
    db.flush()
    return event


def test_staff_list_dead_letters_with_their_attempts(client: TestClient, db: Session) -> None:
    event = dead_event(db)
    pending_lender = make_lender(db)
    outbox.publish(db, topic="lead.created", lender_codes=[pending_lender.code], payload={})
    office = bearer(make_user(db, Role.OFFICE))
    answer = client.get(URL, params={"status": "dead", "limit": 50}, headers=office)
    assert answer.status_code == 200, answer.text
    rows = {row["event_id"]: row for row in answer.json()["data"]}
    assert event.event_id in rows and all(r["status"] == "dead" for r in rows.values())
    row = rows[event.event_id]
    assert [a["status_code"] for a in row["attempt_log"]] == [500, 500]
    assert row["next_attempt_at"] is None and row["last_status_code"] == 500
    assert client.get(URL, params={"status": "nonsense"}, headers=office).status_code == 422


def test_redelivery_puts_a_dead_letter_back_in_line(
    client: TestClient, db: Session, sent_tasks: list[tuple[str, dict[str, object]]]
) -> None:
    event = dead_event(db)
    admin = bearer(make_user(db, Role.ADMIN))
    before = utcnow()
    answer = client.post(f"{URL}/{event.event_id}/redeliver", headers=admin)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "pending" and body["attempts"] == 0
    db.expire_all()
    stored = db.exec(select(OutboxEvent).where(OutboxEvent.event_id == event.event_id)).one()
    assert stored.next_attempt_at >= before
    assert stored.give_up_at >= before + timedelta(hours=71)
    assert ("lenders.deliver_due", {}) in sent_tasks  # delivery starts after the commit
    audit = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "delivery.redeliver", AuditEvent.subject_id == event.event_id
        )
    ).all()
    assert [(a.subject_type, a.actor_role) for a in audit] == [("outbox_event", "admin")]
    again = client.post(f"{URL}/{event.event_id}/redeliver", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "delivery_not_dead"


def test_an_unknown_event_is_not_found(client: TestClient, db: Session) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    answer = client.post(f"{URL}/{'0' * 32}/redeliver", headers=office)
    assert answer.status_code == 404 and answer.json()["code"] == "delivery_not_found"
