"""Every query of app.core's own tables (throttle hits, idempotency keys, task receipts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.core.models import IdempotencyKey, TaskReceipt, ThrottleHit

# --- throttle hits ---------------------------------------------------------------------------


def latest_hit_times(
    session: Session, *, scope: str, key_digest: str, since: datetime, limit: int
) -> Sequence[datetime]:
    """The times of the key's last ``limit`` hits after ``since``, newest first."""
    return session.exec(
        select(ThrottleHit.at)
        .where(
            ThrottleHit.scope == scope,
            ThrottleHit.key_digest == key_digest,
            col(ThrottleHit.at) > since,
        )
        .order_by(col(ThrottleHit.at).desc())
        .limit(limit)
    ).all()


def count_hits(session: Session, *, scope: str, key_digest: str, since: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(ThrottleHit)
        .where(
            ThrottleHit.scope == scope,
            ThrottleHit.key_digest == key_digest,
            col(ThrottleHit.at) > since,
        )
    ).one()


def add_hit(session: Session, *, scope: str, key_digest: str) -> None:
    session.add(ThrottleHit(scope=scope, key_digest=key_digest))
    session.flush()


def delete_hits(
    session: Session, *, scope: str, key_digest: str, through: datetime | None = None
) -> None:
    """Forget the key's hits, or only those at or before ``through``."""
    statement = delete(ThrottleHit).where(
        col(ThrottleHit.scope) == scope, col(ThrottleHit.key_digest) == key_digest
    )
    if through is not None:
        statement = statement.where(col(ThrottleHit.at) <= through)
    session.execute(statement)


# --- idempotency keys ------------------------------------------------------------------------


def find_idempotency_key(session: Session, *, scope: str, key: str) -> IdempotencyKey | None:
    """The stored key as committed now (another call's answer may have arrived meanwhile)."""
    statement = select(IdempotencyKey).where(
        IdempotencyKey.scope == scope, IdempotencyKey.key == key
    )
    return session.exec(statement.execution_options(populate_existing=True)).first()


def delete_idempotency_key(session: Session, record: IdempotencyKey) -> None:
    session.delete(record)
    session.flush()


def save_idempotency_key(session: Session, record: IdempotencyKey) -> None:
    session.add(record)
    session.flush()


def delete_idempotency_keys_before(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` keys created before ``before``, oldest first; how many."""
    ids = session.exec(
        select(IdempotencyKey.id)
        .where(col(IdempotencyKey.created_at) < before)
        .order_by(col(IdempotencyKey.id))
        .limit(limit)
    ).all()
    if ids:
        session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id).in_(list(ids))))
    return len(ids)


# --- task receipts ---------------------------------------------------------------------------


def receipt_exists(session: Session, *, task: str, key: str) -> bool:
    return session.get(TaskReceipt, (task, key)) is not None


def add_receipt(session: Session, *, task: str, key: str) -> None:
    """Insert the receipt; IntegrityError when a concurrent run committed it first."""
    session.add(TaskReceipt(task=task, key=key))
    session.flush()


def receipt_keys(session: Session, *, task: str, prefix: str) -> Sequence[str]:
    """The keys of ``task``'s receipts that start with ``prefix``."""
    return session.exec(
        select(TaskReceipt.key).where(
            TaskReceipt.task == task, col(TaskReceipt.key).startswith(prefix)
        )
    ).all()
