"""Task receipts: the record that makes a task's effect happen once however often it runs."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.core import repository


def first_time(session: Session, *, task: str, key: str) -> bool:
    """Claim (task, key) in the caller's transaction; False when it was already done.

    The caller writes its effect in the same transaction, so a task killed before commit
    leaves no receipt and runs again, and a task that committed never repeats its effect.
    """
    if repository.receipt_exists(session, task=task, key=key):
        return False
    try:
        with session.begin_nested():
            repository.add_receipt(session, task=task, key=key)
    except IntegrityError:  # a concurrent run committed the same key first
        return False
    return True


def done(session: Session, *, task: str, key: str) -> bool:
    """Whether (task, key) has already been committed; a cheap check before costly work."""
    return repository.receipt_exists(session, task=task, key=key)


def keys_done(session: Session, *, task: str, prefix: str) -> Iterable[str]:
    """The keys of ``task`` already committed that start with ``prefix``."""
    return repository.receipt_keys(session, task=task, prefix=prefix)
