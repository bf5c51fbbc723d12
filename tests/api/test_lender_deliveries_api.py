"""A bank's own deliveries over HTTP: its dead letters (死信) and redelivery, never another's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.clock import utcnow
from app.outbox import service as outbox
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery.models import DeliveryAttempt
from lenders.institutions.models import Lender
from tests.factories import bearer, make_api_key, make_lender, make_user

URL = "/api/v1/lender/deliveries"


def dead_letter(db: Session, lender: Lender, *, lead_id: int | None = 7) -> OutboxEvent:
    """An event to ``lender`` that gave up after two 500s."""
    payload = {} if lead_id is None else {"lead_id": lead_id, "status": "offered"}
    (event,) = outbox.publish(db, topic="lead.created", lender_codes=[lender.code], payload=payload)
    event.status, event.attempts, event.last_status_code = DeliveryStatus.DEAD, 2, 500
    event.last_error = "HTTP 500"
    db.add(event)
    db.flush()
    for _ in range(2):
        db.add(
            DeliveryAttempt(outbox_id=event.id or 0, at=utcnow(), status_code=500, duration_ms=3)
        )
    db.flush()
    return event


def stored(db: Session, event: OutboxEvent) -> OutboxEvent:
    db.expire_all()
    return db.exec(select(OutboxEvent).where(OutboxEvent.event_id == event.event_id)).one()


def redeliveries(db: Session, event: OutboxEvent) -> list[AuditEvent]:
    return list(
        db.exec(
            select(AuditEvent).where(
                AuditEvent.action == "delivery.redeliver",
                AuditEvent.subject_id == event.event_id,
            )
        )
    )


def test_a_bank_lists_only_its_own_dead_letters(client: TestClient, db: Session) -> None:
    mine, theirs = make_lender(db), make_lender(db)
    own = dead_letter(db, mine, lead_id=41)
    other = dead_letter(db, theirs)
    outbox.publish(db, topic="lead.created", lender_codes=[mine.code], payload={"lead_id": 42})
    headers = bearer(make_user(db, Role.LENDER_USER, lender_id=mine.id))
    answer = client.get(URL, params={"status": "dead"}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["count"] == 1 and [r["event_id"] for r in body["data"]] == [own.event_id]
    (row,) = body["data"]
    assert (row["type"], row["lead_id"], row["attempts"], row["last_error"]) == (
        "lead.created", 41, 2, "HTTP 500",
    )  # fmt: skip
    assert [a["status_code"] for a in row["attempt_log"]] == [500, 500]
    everything = client.get(URL, headers=headers).json()
    assert everything["count"] == 2 and other.event_id not in str(everything)


def test_another_banks_event_answers_as_a_missing_one(client: TestClient, db: Session) -> None:
    mine, theirs = make_lender(db), make_lender(db)
    other = dead_letter(db, theirs)
    _key, value = make_api_key(db, mine)
    headers = {"X-API-Key": value}
    for path in (f"{URL}/{other.event_id}", f"{URL}/{'0' * 32}"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and answer.json()["code"] == "delivery_not_found"
        assert answer.headers["content-type"] == "application/problem+json"
    for path in (f"{URL}/{other.event_id}/redeliver", f"{URL}/{'0' * 32}/redeliver"):
        answer = client.post(path, headers=headers)
        assert answer.status_code == 404 and answer.json()["code"] == "delivery_not_found"
    assert stored(db, other).status is DeliveryStatus.DEAD and redeliveries(db, other) == []


def test_a_bank_redelivers_its_dead_letter_audited(
    client: TestClient, db: Session, sent_tasks: list[tuple[str, dict[str, object]]]
) -> None:
    mine = make_lender(db)
    event = dead_letter(db, mine)
    _key, value = make_api_key(db, mine)
    before = utcnow()
    answer = client.post(f"{URL}/{event.event_id}/redeliver", headers={"X-API-Key": value})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "pending" and answer.json()["attempts"] == 0
    row = stored(db, event)
    assert row.status is DeliveryStatus.PENDING and row.next_attempt_at >= before
    assert ("lenders.deliver_due", {}) in sent_tasks
    (audit,) = redeliveries(db, event)
    assert audit.actor_role == "lender_client" and audit.detail["lender_code"] == mine.code
    again = client.post(f"{URL}/{event.event_id}/redeliver", headers={"X-API-Key": value})
    assert again.status_code == 409 and again.json()["code"] == "delivery_not_dead"
    assert len(redeliveries(db, event)) == 1


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", f"{URL}/not-an-id!", {}),
        ("GET", f"{URL}/{'a' * 33}", {}),
        ("POST", f"{URL}/{'A' * 32}/redeliver", {}),
        ("POST", f"{URL}/{'f' * 5000}/redeliver", {}),
        ("GET", URL, {"status": "nonsense"}),
        ("GET", URL, {"status": "dead", "limit": "x"}),
        ("GET", URL, {"limit": "100000"}),
        ("GET", URL, {"offset": "-1"}),
    ],
)
def test_hostile_input_gets_a_problem_and_changes_nothing(
    client: TestClient, db: Session, method: str, path: str, params: dict[str, str]
) -> None:
    mine = make_lender(db)
    event = dead_letter(db, mine)
    headers = bearer(make_user(db, Role.LENDER_USER, lender_id=mine.id))
    answer = client.request(method, path, params=params, headers=headers, json={"x": 1})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert stored(db, event).status is DeliveryStatus.DEAD and redeliveries(db, event) == []


def test_staff_use_their_own_routes_not_the_banks(client: TestClient, db: Session) -> None:
    event = dead_letter(db, make_lender(db))
    office = bearer(make_user(db, Role.OFFICE))
    answer = client.post(f"{URL}/{event.event_id}/redeliver", headers=office)
    assert answer.status_code == 403
    assert stored(db, event).status is DeliveryStatus.DEAD
