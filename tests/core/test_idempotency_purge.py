"""Idempotency keys are purged after their retention, and never while they must still replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from app.core import idempotency
from app.core.clock import utcnow
from app.core.db import session_scope
from app.core.idempotency import AlreadyAnswered
from app.core.models import IdempotencyKey
from app.ops.tasks import purge_idempotency_keys

ROUTE = "POST /api/v1/lender/leads/7/accept"


def answered_key(db: Session, *, key: str, age: timedelta) -> None:
    record = idempotency.claim(db, scope="lender:1", key=key, route=ROUTE, request_hash="h")
    idempotency.complete(db, record, status=200, body={"ok": key})
    record.created_at = utcnow() - age
    db.add(record)
    db.flush()


def keys(db: Session) -> set[str]:
    return set(db.exec(select(IdempotencyKey.key).order_by(col(IdempotencyKey.id))).all())


def test_keys_past_retention_go_in_batches(db: Session) -> None:
    for key, hours in (("a", 50), ("b", 49), ("c", 47), ("d", 1)):
        answered_key(db, key=key, age=timedelta(hours=hours))
    before = idempotency.purge_cutoff(now=utcnow(), retention=timedelta(hours=48))
    assert idempotency.purge_batch(db, before=before, limit=1) == 1
    assert idempotency.purge_batch(db, before=before, limit=1) == 1
    assert idempotency.purge_batch(db, before=before, limit=1) == 0
    assert keys(db) == {"c", "d"}


def test_a_short_retention_never_purges_a_key_that_must_still_replay(db: Session) -> None:
    answered_key(db, key="young", age=timedelta(hours=23))
    answered_key(db, key="old", age=timedelta(hours=25))
    before = idempotency.purge_cutoff(now=utcnow(), retention=timedelta(hours=1))
    assert idempotency.purge_batch(db, before=before, limit=100) == 1
    assert keys(db) == {"young"}
    with pytest.raises(AlreadyAnswered) as replay:  # the retry gets the first answer, not a rerun
        idempotency.claim(db, scope="lender:1", key="young", route=ROUTE, request_hash="h")
    assert replay.value.status == 200 and replay.value.body == {"ok": "young"}


def test_the_task_uses_the_retention_setting(
    committed_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core import db as core_db

    monkeypatch.setenv("XYD_IDEMPOTENCY_KEY_RETENTION_HOURS", "2")
    core_db.reset_caches()
    with session_scope() as session:
        for index in range(5):
            answered_key(session, key=f"old-{index}", age=timedelta(hours=30))
        answered_key(session, key="young", age=timedelta(hours=20))
    assert purge_idempotency_keys(batch=2) == 5
    with session_scope() as session:
        assert keys(session) == {"young"}
