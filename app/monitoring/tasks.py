"""Celery task of the monitoring: the scheduled rebuild of its cells (beat sends it)."""

from __future__ import annotations

import logging

from app.audit.service import SystemActor
from app.core.db import session_scope
from app.core.taskqueue import celery_app
from app.monitoring.refresh import refresh as run_refresh

log = logging.getLogger(__name__)


@celery_app.task(name="monitoring.refresh")
def refresh() -> int:
    """Rebuild every cell; idempotent (a second run writes the same cells). Returns their count."""
    with session_scope() as session:
        done = run_refresh(session, actor=SystemActor("scheduler"))
    log.info("monitoring refreshed", extra={"cells": done.cells, "through": done.last_month})
    return done.cells
