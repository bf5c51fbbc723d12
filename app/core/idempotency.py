"""Idempotency keys: a client's retry of a state-changing call returns the first answer, once.

A call that carries an ``Idempotency-Key`` claims (scope, key) in its own transaction before
its effect, and the answer is written to the same row before commit. So a call that fails
leaves no row and may be retried; a call that committed is replayed, never repeated; and of
two concurrent calls with one key the unique constraint lets exactly one through. Only
successful answers are kept: a refused call changed nothing, so its retry runs again. Rows
older than ``KEY_LIFETIME`` no longer count and are replaced on next use; a daily purge deletes
them after the retention setting, never before their lifetime ends.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from app.core.clock import utcnow
from app.core.db import UTCDateTime
from app.core.errors import Conflict, InvalidInput

KEY_LIFETIME = timedelta(hours=24)
KEY_MAX_LENGTH = 255
KEY_PATTERN = r"^[\x20-\x7e]{1,255}$"  # printable ASCII, as in the IETF draft's examples


class IdempotencyKey(SQLModel, table=True):
    """One state-changing call made under a client's key, and the answer it got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=100)  # whose key: "lender:7", or a principal ref
    key: str = Field(max_length=KEY_MAX_LENGTH)
    route: str = Field(max_length=300)  # method and concrete path: "PATCH /api/v1/…/7"
    request_hash: str = Field(max_length=64)  # SHA-256 of the raw body, hex
    response_status: int | None = None  # None until the call's answer is written
    response_body: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"


class IdempotencyKeyInProgress(Conflict):
    code = "idempotency_key_in_progress"


class AlreadyAnswered(Exception):  # not an error: the first call's answer, sent again
    """The key's first call committed; its stored answer is to be sent again, unchanged."""

    def __init__(self, *, status: int, body: Any) -> None:
        super().__init__(f"replay of a {status} answer")
        self.status = status
        self.body = body


def body_hash(body: bytes) -> str:
    """The fingerprint a retry must match: SHA-256 of the raw request body."""
    return hashlib.sha256(body).hexdigest()


def claim(
    session: Session, *, scope: str, key: str, route: str, request_hash: str
) -> IdempotencyKey:
    """Claim (scope, key) for this call, whose answer ``complete`` then writes on it.

    Raises AlreadyAnswered with the first call's answer when that call committed,
    IdempotencyKeyReused when the key was used for another route or body, and
    IdempotencyKeyInProgress when another call holds the key without an answer.
    """
    existing = _find(session, scope=scope, key=key)
    if existing is not None and existing.created_at <= utcnow() - KEY_LIFETIME:
        session.delete(existing)  # expired: the key is free again
        session.flush()
        existing = None
    if existing is None:
        record = IdempotencyKey(scope=scope, key=key, route=route, request_hash=request_hash)
        try:
            # PostgreSQL makes this insert wait for a concurrent holder of the key, so the
            # loser sees the winner's committed answer below instead of repeating the effect.
            with session.begin_nested():
                session.add(record)
        except IntegrityError:
            existing = _find(session, scope=scope, key=key)
            if existing is None:  # gone again (replaced after expiry): let the client retry
                raise IdempotencyKeyInProgress(_in_progress(key)) from None
        else:
            return record
    raise _replay(existing, key=key, route=route, request_hash=request_hash)


def complete(session: Session, record: IdempotencyKey, *, status: int, body: Any) -> None:
    """Write the call's answer onto its claimed key, in the call's own transaction."""
    record.response_status = status
    record.response_body = body
    session.add(record)
    session.flush()


def _find(session: Session, *, scope: str, key: str) -> IdempotencyKey | None:
    statement = select(IdempotencyKey).where(
        IdempotencyKey.scope == scope, IdempotencyKey.key == key
    )
    return session.exec(statement.execution_options(populate_existing=True)).first()


def _replay(record: IdempotencyKey, *, key: str, route: str, request_hash: str) -> AlreadyAnswered:
    if record.route != route or record.request_hash != request_hash:
        raise IdempotencyKeyReused(
            f"Idempotency-Key {key!r} was used for another request; use a new key for this one",
            first_route=record.route,
        )
    if record.response_status is None:
        raise IdempotencyKeyInProgress(_in_progress(key))
    return AlreadyAnswered(status=record.response_status, body=record.response_body)


def _in_progress(key: str) -> str:
    return f"a request with Idempotency-Key {key!r} is still being processed; retry shortly"


def purge_cutoff(*, now: datetime, retention: timedelta) -> datetime:
    """Keys created before this may go: after ``retention``, but never within ``KEY_LIFETIME``."""
    return now - max(retention, KEY_LIFETIME)


def purge_batch(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` keys created before ``before``; how many."""
    ids = session.exec(
        select(IdempotencyKey.id)
        .where(col(IdempotencyKey.created_at) < before)
        .order_by(col(IdempotencyKey.id))
        .limit(limit)
    ).all()
    if ids:
        session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id).in_(list(ids))))
    return len(ids)
