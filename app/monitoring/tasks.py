"""Celery tasks of the monitoring: the scheduled refresh of its cells, incremental every half
hour and whole every night (beat sends both)."""

from __future__ import annotations

import logging

from app.audit.service import SystemActor
from app.core.db import session_scope
from app.core.taskqueue import celery_app
from app.monitoring.refresh import refresh as run_refresh

log = logging.getLogger(__name__)


def _run(*, full: bool) -> int:
    with session_scope() as session:
        done = run_refresh(session, actor=SystemActor("scheduler"), full=full)
    log.info(
        "monitoring refreshed",
        extra={"cells": done.cells, "through": done.last_month, "since": done.since_month,
               "full": done.full},
    )  # fmt: skip
    return done.cells


@celery_app.task(name="monitoring.refresh")
def refresh() -> int:
    """Recompute the months the rows written since the last refresh touch; idempotent (a
    second run finds nothing changed). Returns the count of cells written."""
    return _run(full=False)


@celery_app.task(name="monitoring.rebuild")
def rebuild() -> int:
    """Rebuild every cell (the nightly safety net under the incremental refresh)."""
    return _run(full=True)
