"""The bank's integration settings: webhook URL, signing-secret rotation, API keys."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import ApiKey
from app.audit.service import SystemActor
from lenders.delivery import webhooks
from lenders.delivery.models import WebhookEndpoint, WebhookSecret
from tests.factories import make_api_key
from tests.pages.bank_world import banks, post

HERE = "/bank/integration"


def endpoint_of(db: Session, lender_id: int | None) -> WebhookEndpoint | None:
    db.expire_all()
    return db.exec(select(WebhookEndpoint).where(WebhookEndpoint.lender_id == lender_id)).first()


def test_set_and_clear_the_webhook_url(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    assert client.get(HERE).status_code == 200
    answer = post(
        client, f"{HERE}/webhook", {"url": "https://xd.example.com/hooks/leads"}, form=HERE
    )
    assert answer.status_code == 303
    endpoint = endpoint_of(db, world.bank.id)
    assert endpoint is not None and endpoint.url == "https://xd.example.com/hooks/leads"
    assert "https://xd.example.com/hooks/leads" in client.get(HERE).text
    assert post(client, f"{HERE}/webhook", {"url": ""}, form=HERE).status_code == 303
    endpoint = endpoint_of(db, world.bank.id)
    assert endpoint is not None and endpoint.url is None


def test_a_bad_webhook_url_is_refused_and_changes_nothing(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    for bad in ("javascript:alert(1)", "https://" + "a" * 2050 + ".com", "ftp://bank.example/x"):
        answer = post(client, f"{HERE}/webhook", {"url": bad}, form=HERE)
        assert answer.status_code == 422, bad
        assert endpoint_of(db, world.bank.id) is None


def test_rotate_and_retire_signing_secrets(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    answer = post(client, f"{HERE}/secrets", {}, form=HERE)
    assert answer.status_code == 200 and "只显示这一次" in answer.text
    db.expire_all()
    (secret,) = db.exec(select(WebhookSecret).where(WebhookSecret.lender_id == world.bank.id))
    assert "只显示这一次" not in client.get(HERE).text  # shown once only
    retired = post(client, f"{HERE}/secrets/{secret.id}/retire", {}, form=HERE)
    assert retired.status_code == 303
    db.refresh(secret)
    assert secret.retired_at is not None


def test_another_banks_secret_and_key_cannot_be_touched(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    assert world.other.id is not None
    theirs, _value = webhooks.create_secret(db, lender_id=world.other.id, actor=SystemActor("t"))
    their_key, _ = make_api_key(db, world.other)
    db.commit()
    assert post(client, f"{HERE}/secrets/{theirs.id}/retire", {}, form=HERE).status_code == 404
    assert post(client, f"{HERE}/api-keys/{their_key.id}/revoke", {}, form=HERE).status_code == 404
    db.refresh(theirs)
    db.refresh(their_key)
    assert theirs.retired_at is None and their_key.revoked_at is None


def test_create_and_revoke_an_api_key(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    answer = post(client, f"{HERE}/api-keys", {"name": "信贷系统生产"}, form=HERE)
    assert answer.status_code == 200 and "只显示这一次" in answer.text
    shown = re.search(r"请立即保存）：<code>([^<]+)</code>", answer.text)
    assert shown
    db.expire_all()
    (key,) = db.exec(select(ApiKey).where(ApiKey.lender_id == world.bank.id))
    assert key.name == "信贷系统生产" and shown.group(1) not in (key.digest, "")
    me = client.get("/api/v1/me", headers={"X-API-Key": shown.group(1)})
    assert me.status_code == 200
    assert post(client, f"{HERE}/api-keys/{key.id}/revoke", {}, form=HERE).status_code == 303
    db.refresh(key)
    assert key.revoked_at is not None


def test_a_bad_key_name_creates_nothing(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    for bad in ("", "长" * 101):
        answer = post(client, f"{HERE}/api-keys", {"name": bad}, form=HERE)
        assert answer.status_code == 422
    db.expire_all()
    assert list(db.exec(select(ApiKey).where(ApiKey.lender_id == world.bank.id))) == []
