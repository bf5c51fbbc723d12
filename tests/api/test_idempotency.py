"""Idempotency-Key on a bank's state-changing calls: a retry replays, never repeats (SPEC §6)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from app.accounts.models import Role
from app.api.deps import get_session
from app.audit.models import AuditEvent
from app.core.clock import utcnow
from app.core.db import make_engine
from app.core.idempotency import body_hash
from app.core.migrations import upgrade
from app.core.models import IdempotencyKey
from app.main import create_app
from lenders.institutions.models import Lender
from lenders.products import service as product_service
from lenders.products.models import LoanProduct
from tests.api.test_products_api import LENDER_URL, bank_with_staff, counts
from tests.conftest import POSTGRES_URL, database_url
from tests.factories import bearer, make_lender, make_product, make_user, product_fields


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def key_rows(db: Session) -> int:
    return db.exec(select(func.count()).select_from(IdempotencyKey)).one()


def test_a_retry_replays_the_first_answer_and_creates_nothing(
    client: TestClient, db: Session
) -> None:
    _bank, user, _key = bank_with_staff(db)
    before = counts(db)
    first = client.post(LENDER_URL, json=product_fields(), headers=keyed(user, "order-1"))
    again = client.post(LENDER_URL, json=product_fields(), headers=keyed(user, "order-1"))
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert counts(db) == (before[0] + 1, before[1] + 1)  # one product, one audit event
    stored = db.exec(select(IdempotencyKey).where(IdempotencyKey.key == "order-1")).one()
    assert (stored.response_status, stored.response_body) == (201, first.json())
    assert stored.route == f"POST {LENDER_URL}"


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(
    client: TestClient, db: Session
) -> None:
    _bank, user, _key = bank_with_staff(db)
    client.post(LENDER_URL, json=product_fields(), headers=keyed(user, "k"))
    before = counts(db)
    other = client.post(LENDER_URL, json=product_fields(name="另一个"), headers=keyed(user, "k"))
    assert other.status_code == 422, other.text
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert counts(db) == before


def test_another_key_or_no_key_makes_another_product(client: TestClient, db: Session) -> None:
    _bank, user, _key = bank_with_staff(db)
    before = counts(db)[0]
    ids = {
        client.post(LENDER_URL, json=product_fields(), headers=headers).json()["id"]
        for headers in (keyed(user, "a"), keyed(user, "b"), user, user)
    }
    assert len(ids) == 4
    assert counts(db)[0] == before + 4
    assert key_rows(db) == 2  # calls without the header leave no row


def test_keys_belong_to_a_bank_its_users_and_systems_share_them(
    client: TestClient, db: Session
) -> None:
    bank_a, user_a, api_key_a = bank_with_staff(db)
    bank_b, user_b, _key_b = bank_with_staff(db)
    a = client.post(LENDER_URL, json=product_fields(), headers=keyed(user_a, "same"))
    b = client.post(LENDER_URL, json=product_fields(), headers=keyed(user_b, "same"))
    assert a.status_code == b.status_code == 201
    assert "idempotent-replayed" not in b.headers
    assert (a.json()["lender_code"], b.json()["lender_code"]) == (bank_a.code, bank_b.code)
    # Bank A's system retrying what its user sent is the same bank's call: replayed.
    again = client.post(LENDER_URL, json=product_fields(), headers=keyed(api_key_a, "same"))
    assert again.headers["idempotent-replayed"] == "true" and again.json() == a.json()


def test_a_refused_call_keeps_nothing_so_its_corrected_retry_runs(
    client: TestClient, db: Session
) -> None:
    _bank, user, _key = bank_with_staff(db)
    bad = client.post(LENDER_URL, json=product_fields(min_rate_bp=700), headers=keyed(user, "x"))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_range"
    assert key_rows(db) == 0
    good = client.post(LENDER_URL, json=product_fields(), headers=keyed(user, "x"))
    assert good.status_code == 201, good.text


def test_an_edit_is_replayed_and_its_key_cannot_edit_another_product(
    client: TestClient, db: Session
) -> None:
    bank, user, _key = bank_with_staff(db)
    one, two = make_product(db, bank), make_product(db, bank)
    change = {"name": "新名字"}
    first = client.patch(f"{LENDER_URL}/{one.id}", json=change, headers=keyed(user, "e"))
    again = client.patch(f"{LENDER_URL}/{one.id}", json=change, headers=keyed(user, "e"))
    assert first.status_code == again.status_code == 200, first.text
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    edits = select(func.count()).where(AuditEvent.action == "product.update")
    assert db.exec(edits).one() == 1
    other = client.patch(f"{LENDER_URL}/{two.id}", json=change, headers=keyed(user, "e"))
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_a_retried_retire_replays_instead_of_answering_already_retired(
    client: TestClient, db: Session
) -> None:
    bank, user, _key = bank_with_staff(db)
    product = make_product(db, bank)
    path = f"{LENDER_URL}/{product.id}/retire"
    first = client.post(path, json={"reason": "停办"}, headers=keyed(user, "r"))
    again = client.post(path, json={"reason": "停办"}, headers=keyed(user, "r"))
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json() and again.json()["status"] == "retired"
    unkeyed = client.post(path, json={"reason": "停办"}, headers=user)
    assert unkeyed.status_code == 409 and unkeyed.json()["code"] == "product_retired"


def test_a_key_older_than_a_day_is_free_again(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    db.add(
        IdempotencyKey(
            scope=f"lender:{bank.id}",
            key="old",
            route=f"POST {LENDER_URL}",
            request_hash=body_hash(b"{}"),
            response_status=201,
            response_body={},
            created_at=utcnow() - timedelta(hours=24, seconds=1),
        )
    )
    db.flush()
    response = client.post(LENDER_URL, json=product_fields(), headers=keyed(user, "old"))
    assert response.status_code == 201 and "idempotent-replayed" not in response.headers
    assert key_rows(db) == 1


def test_a_key_held_without_an_answer_is_in_progress(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    raw = json.dumps(product_fields()).encode()
    held = IdempotencyKey(
        scope=f"lender:{bank.id}",
        key="busy",
        route=f"POST {LENDER_URL}",
        request_hash=body_hash(raw),
    )
    db.add(held)
    db.flush()
    before = counts(db)
    headers = {**keyed(user, "busy"), "Content-Type": "application/json"}
    response = client.post(LENDER_URL, content=raw, headers=headers)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert counts(db) == before


@pytest.mark.parametrize(
    "key", [pytest.param("x" * 256, id="too-long"), pytest.param("订单-1".encode(), id="not-ascii")]
)
def test_a_malformed_key_is_refused(client: TestClient, db: Session, key: str | bytes) -> None:
    _bank, user, _key = bank_with_staff(db)
    before = counts(db)
    headers: dict[str, Any] = {**user, "Idempotency-Key": key}
    response = client.post(LENDER_URL, json=product_fields(), headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert counts(db) == before


@pytest.fixture
def race_engine() -> Iterator[Engine]:
    """A schema of its own on PostgreSQL: the race commits, and audit events cannot be deleted.

    PostgreSQL only (SQLite serialises writers, so there is no race to lose); like every
    PostgreSQL test it fails in CI when the server is down.
    """
    engine = make_engine(database_url("postgresql"))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS idempotency_race CASCADE"))
        connection.execute(text("CREATE SCHEMA idempotency_race"))
    race = make_engine(POSTGRES_URL, connect_args={"options": "-c search_path=idempotency_race"})
    upgrade(race)
    yield race
    race.dispose()
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA idempotency_race CASCADE"))
    engine.dispose()


def test_two_concurrent_calls_with_one_key_make_one_product(
    race_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = sessionmaker(bind=race_engine, expire_on_commit=False, class_=Session)
    with sessions.begin() as setup:
        bank = make_lender(setup)
        headers = keyed(bearer(make_user(setup, Role.LENDER_USER, lender_id=bank.id)), "race")

    create = product_service.create

    def slow_create(session: Session, **kwargs: Any) -> tuple[LoanProduct, Lender]:
        row = create(session, **kwargs)
        time.sleep(0.5)  # hold the key uncommitted while the other call arrives
        return row

    monkeypatch.setattr(product_service, "create", slow_create)

    def real_session() -> Iterator[Session]:
        with sessions.begin() as session:
            yield session

    app = create_app()
    app.dependency_overrides[get_session] = real_session
    start = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def call(slot: int) -> None:
        with TestClient(app, raise_server_exceptions=False) as client:
            start.wait()
            if slot:
                time.sleep(0.1)  # the first call claims the key; this one races it
            answers[slot] = client.post(LENDER_URL, json=product_fields(), headers=headers)

    threads = [threading.Thread(target=call, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    first, second = answers
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json() == second.json()
    # Usually the second call is the replay; on a busy machine the first may arrive second.
    replayed = [r.headers.get("idempotent-replayed") for r in answers]
    assert sorted(map(str, replayed)) == ["None", "true"]
    with sessions() as check:
        assert check.exec(select(func.count()).select_from(LoanProduct)).one() == 1
        assert check.exec(select(func.count()).select_from(IdempotencyKey)).one() == 1
