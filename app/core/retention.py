"""Purging old rows in small batches, each its own transaction, so no purge holds a lock long."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from app.core.db import session_scope

BATCH = 1000


def purge_in_batches(purge_batch: Callable[[Session, int], int], *, batch: int = BATCH) -> int:
    """Call ``purge_batch(session, limit)`` in fresh transactions until a batch comes up short."""
    total = 0
    while True:
        with session_scope() as session:
            removed = purge_batch(session, batch)
        total += removed
        if removed < batch:
            return total
