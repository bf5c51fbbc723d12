"""A bank's webhook over HTTP: its URL, its secrets (shown once, two at most), its events feed."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.outbox import service as outbox
from lenders.delivery import crypto
from lenders.delivery.models import WebhookEndpoint, WebhookSecret
from lenders.institutions.models import Lender
from tests.factories import bearer, make_api_key, make_lender, make_user

URL = "/api/v1/lender/webhook"
SECRETS = URL + "/secrets"
EVENTS = "/api/v1/lender/events"


def bank_with_staff(db: Session) -> tuple[Lender, dict[str, str], dict[str, str]]:
    bank = make_lender(db)
    user = make_user(db, Role.LENDER_USER, lender_id=bank.id)
    _api_key, key = make_api_key(db, bank)
    return bank, bearer(user), {"X-API-Key": key}


def audit_actions(db: Session, bank: Lender) -> list[str]:
    return list(
        db.exec(
            select(AuditEvent.action).where(
                col(AuditEvent.action).like("webhook.%"), AuditEvent.subject_id == str(bank.id)
            )
        ).all()
    )


def test_a_bank_sets_and_reads_its_url(client: TestClient, db: Session) -> None:
    bank, user, key = bank_with_staff(db)
    answer = client.put(URL, json={"url": "http://127.0.0.1:9/hook"}, headers=key)
    assert answer.status_code == 200, answer.text
    assert answer.json()["url"] == "http://127.0.0.1:9/hook"
    assert answer.json()["push_enabled"] is False  # no secret yet: pull only
    read = client.get(URL, headers=user).json()
    assert read["url"] == "http://127.0.0.1:9/hook" and read["secrets"] == []
    assert audit_actions(db, bank) == ["webhook.set_url"]


def test_a_private_address_is_refused_and_nothing_changes(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    client.put(URL, json={"url": "http://127.0.0.1:9/hook"}, headers=user)
    for bad in ("http://10.0.0.7/hook", "ftp://bank.example.com/", "http://169.254.169.254/"):
        answer = client.put(URL, json={"url": bad}, headers=user)
        assert answer.status_code == 422
        assert answer.json()["code"] == "invalid_webhook_url"
    assert client.get(URL, headers=user).json()["url"] == "http://127.0.0.1:9/hook"
    assert audit_actions(db, bank) == ["webhook.set_url"]


def test_null_url_stops_pushing(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    client.put(URL, json={"url": "http://127.0.0.1:9/hook"}, headers=user)
    assert client.put(URL, json={"url": None}, headers=user).json()["url"] is None
    stored = db.exec(select(WebhookEndpoint).where(WebhookEndpoint.lender_id == bank.id)).one()
    assert stored.url is None


def test_a_secret_is_shown_once_and_stored_sealed(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    created = client.post(SECRETS, headers=user)
    assert created.status_code == 201, created.text
    value = created.json()["secret"]
    assert value.startswith("whsec_") and created.json()["active"] is True
    listed = client.get(URL, headers=user).json()
    assert value not in str(listed) and "secret" not in listed["secrets"][0]
    row = db.exec(select(WebhookSecret).where(WebhookSecret.lender_id == bank.id)).one()
    assert value.encode() not in row.sealed
    assert crypto.unseal(row.sealed, lender_id=bank.id or 0) == value
    audits = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "webhook.secret_create", AuditEvent.subject_id == str(bank.id)
        )
    ).all()
    assert audits and all(value not in str(a.detail) for a in audits)


def test_rotation_two_active_then_retire_one(client: TestClient, db: Session) -> None:
    bank, user, key = bank_with_staff(db)
    first = client.post(SECRETS, headers=user).json()
    second = client.post(SECRETS, headers=key).json()
    secrets = {s["id"]: s for s in client.get(URL, headers=user).json()["secrets"]}
    assert secrets[first["id"]]["active"] and secrets[second["id"]]["active"]
    # the older one signs for the grace period (7 days by default), the newer without end
    assert secrets[second["id"]]["expires_at"] is None
    grace_end = secrets[first["id"]]["expires_at"]
    assert grace_end is not None
    third = client.post(SECRETS, headers=user)
    assert third.status_code == 409 and third.json()["code"] == "too_many_webhook_secrets"
    retired = client.delete(f"{SECRETS}/{first['id']}", headers=user)
    assert retired.status_code == 200 and retired.json()["active"] is False
    again = client.delete(f"{SECRETS}/{first['id']}", headers=user)
    assert again.status_code == 409 and again.json()["code"] == "webhook_secret_not_active"
    assert client.post(SECRETS, headers=user).status_code == 201
    assert audit_actions(db, bank).count("webhook.secret_retire") == 1


def test_the_grace_period_is_seven_days(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    client.post(SECRETS, headers=user)
    client.post(SECRETS, headers=user)
    older, newer = db.exec(
        select(WebhookSecret)
        .where(WebhookSecret.lender_id == bank.id)
        .order_by(col(WebhookSecret.id))
    ).all()
    assert older.expires_at is not None
    assert older.expires_at - newer.created_at == timedelta(days=7)
    assert older.is_active(newer.created_at + timedelta(days=6))
    assert not older.is_active(newer.created_at + timedelta(days=7, seconds=1))


def test_another_banks_secret_answers_not_found(client: TestClient, db: Session) -> None:
    _bank_a, user_a, _ = bank_with_staff(db)
    _bank_b, user_b, _ = bank_with_staff(db)
    secret = client.post(SECRETS, headers=user_a).json()
    answer = client.delete(f"{SECRETS}/{secret['id']}", headers=user_b)
    assert answer.status_code == 404 and answer.json()["code"] == "webhook_secret_not_found"
    assert client.get(URL, headers=user_a).json()["secrets"][0]["active"] is True


def test_a_retried_secret_creation_creates_one(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    headers = {**user, "Idempotency-Key": "rotate-2026-12"}
    first = client.post(SECRETS, headers=headers)
    replay = client.post(SECRETS, headers=headers)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    total = db.exec(
        select(func.count()).select_from(WebhookSecret).where(WebhookSecret.lender_id == bank.id)
    ).one()
    assert total == 1


def test_a_bank_pulls_its_own_events_in_order(client: TestClient, db: Session) -> None:
    bank_a, user_a, key_a = bank_with_staff(db)
    bank_b, _user_b, _ = bank_with_staff(db)
    for n in range(5):
        outbox.publish(db, topic="lead.created", lender_codes=[bank_a.code], payload={"n": n})
        outbox.publish(db, topic="lead.created", lender_codes=[bank_b.code], payload={"n": -n})
    first = client.get(EVENTS, params={"limit": 3}, headers=key_a).json()
    assert [e["data"]["n"] for e in first["data"]] == [0, 1, 2]
    assert set(first["data"][0]) == {"id", "type", "created_at", "data"}
    rest = client.get(EVENTS, params={"after": first["next_cursor"]}, headers=user_a).json()
    assert [e["data"]["n"] for e in rest["data"]] == [3, 4]
    empty = client.get(EVENTS, params={"after": rest["next_cursor"]}, headers=user_a).json()
    assert empty == {"data": [], "next_cursor": rest["next_cursor"]}


def test_a_bad_cursor_is_a_problem(client: TestClient, db: Session) -> None:
    _bank, user, _key = bank_with_staff(db)
    answer = client.get(EVENTS, params={"after": "not-a-cursor"}, headers=user)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_cursor"
    assert answer.headers["content-type"] == "application/problem+json"


def test_staff_and_firms_cannot_use_a_banks_webhook_routes(client: TestClient, db: Session) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    for method, path in (("GET", URL), ("POST", SECRETS), ("GET", EVENTS)):
        assert client.request(method, path, headers=office).status_code == 403
    assert client.get(URL).status_code == 401
    assert make_lender(db).code  # a lender with no users exists; nobody reached it
