"""Celery tasks of applications: the daily expiry sweep (beat sends it before the refresh)."""

from __future__ import annotations

import logging

from app.applications.expiry import expire_stale
from app.audit.service import SystemActor
from app.core.db import session_scope
from app.core.taskqueue import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="applications.expire")
def expire() -> int:
    """Expire applications older than the demand window; returns how many. Idempotent."""
    with session_scope() as session:
        swept = expire_stale(session, actor=SystemActor("scheduler"))
        count = len(swept.expired)
    log.info("applications expired", extra={"count": count, "window_days": swept.window_days})
    return count
