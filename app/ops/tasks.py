"""Celery tasks of the ops area."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.core import idempotency
from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.retention import BATCH, purge_in_batches
from app.core.taskqueue import celery_app
from app.ops import service as ops_service

log = logging.getLogger(__name__)


@celery_app.task(name="ops.probe")
def probe(*, probe_id: str, hold_seconds: float = 0.0) -> bool:
    """Record that the probe started, optionally wait, then write its effect exactly once."""
    with session_scope() as session:
        ops_service.record_attempt(session, probe_id=probe_id)
    ops_service.hold(hold_seconds)
    with session_scope() as session:
        return ops_service.complete(session, probe_id=probe_id)


@celery_app.task(name="ops.purge_idempotency_keys")
def purge_idempotency_keys(*, batch: int = BATCH) -> int:
    """Delete idempotency keys past their retention (never within their lifetime); how many."""
    retention = timedelta(hours=get_settings().retention.idempotency_key_hours)
    before = idempotency.purge_cutoff(now=utcnow(), retention=retention)
    removed = purge_in_batches(
        lambda session, limit: idempotency.purge_batch(session, before=before, limit=limit),
        batch=batch,
    )
    if removed:
        log.info("idempotency keys purged", extra={"removed": removed, "before": before})
    return removed
