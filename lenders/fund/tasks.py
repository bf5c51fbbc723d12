"""Celery task of the fund: the run-out forecast after a score run (``handlers`` sends it)."""

from __future__ import annotations

import logging

from app.audit.service import SystemActor
from app.core.db import session_scope
from app.core.taskqueue import celery_app
from lenders.fund import forecast

log = logging.getLogger(__name__)


@celery_app.task(name=forecast.AFTER_SCORE_RUN_TASK)
def forecast_after_score_run(*, score_run_id: int) -> int | None:
    """Forecast the fund with the run's new PDs, in a transaction of its own; idempotent (the
    receipt is claimed with the stored run). Returns the forecast's id, None if already made."""
    # Reads first: on SQLite the Monte Carlo runs before the one write lock is taken.
    with session_scope(reads_first=True) as session:
        made = forecast.after_score_run(
            session, score_run_id=score_run_id, actor=SystemActor("scheduler")
        )
        if made is None:
            return None
        log.info(
            "fund forecast made",
            extra={
                "forecast_id": made.run.id,
                "score_run_id": score_run_id,
                "runout_probability_bp": made.run.runout_probability_bp,
                "duration_ms": made.run.duration_ms,
            },
        )
        return made.run.id
