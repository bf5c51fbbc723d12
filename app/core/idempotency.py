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

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.core import repository
from app.core.clock import utcnow
from app.core.errors import Conflict, InvalidInput
from app.core.models import IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
KEY_MAX_LENGTH = IDEMPOTENCY_KEY_MAX_LENGTH
KEY_PATTERN = r"^[\x20-\x7e]{1,255}$"  # printable ASCII, as in the IETF draft's examples


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
    existing = repository.find_idempotency_key(session, scope=scope, key=key)
    if existing is not None and existing.created_at <= utcnow() - KEY_LIFETIME:
        repository.delete_idempotency_key(session, existing)  # expired: the key is free again
        existing = None
    if existing is None:
        record = IdempotencyKey(scope=scope, key=key, route=route, request_hash=request_hash)
        try:
            # PostgreSQL makes this insert wait for a concurrent holder of the key, so the
            # loser sees the winner's committed answer below instead of repeating the effect.
            with session.begin_nested():
                repository.save_idempotency_key(session, record)
        except IntegrityError:
            existing = repository.find_idempotency_key(session, scope=scope, key=key)
            if existing is None:  # gone again (replaced after expiry): let the client retry
                raise IdempotencyKeyInProgress(_in_progress(key)) from None
        else:
            return record
    raise _replay(existing, key=key, route=route, request_hash=request_hash)


def complete(session: Session, record: IdempotencyKey, *, status: int, body: Any) -> None:
    """Write the call's answer onto its claimed key, in the call's own transaction."""
    record.response_status = status
    record.response_body = body
    repository.save_idempotency_key(session, record)


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
    return repository.delete_idempotency_keys_before(session, before=before, limit=limit)
