"""Celery tasks of the ops area."""

from __future__ import annotations

from app.core.db import session_scope
from app.core.taskqueue import celery_app
from app.ops import service as ops_service


@celery_app.task(name="ops.probe")
def probe(*, probe_id: str, hold_seconds: float = 0.0) -> bool:
    """Record that the probe started, optionally wait, then write its effect exactly once."""
    with session_scope() as session:
        ops_service.record_attempt(session, probe_id=probe_id)
    ops_service.hold(hold_seconds)
    with session_scope() as session:
        return ops_service.complete(session, probe_id=probe_id)
