"""Celery tasks of batch scoring: one task per partition, so partitions spread over workers."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session

from app.audit.service import SystemActor
from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.taskqueue import celery_app, enqueue_after_commit
from scoring.features import build_features
from scoring.scores import repository as score_repository
from scoring.scores import service as score_service
from scoring.scores.models import RunStatus
from scoring.scores.sweep import sweep_runs as sweep
from scoring.sources.snapshot import load_sources
from scoring.sources.store import SourceStore

log = logging.getLogger(__name__)


def _sources(session: Session) -> dict[str, pd.DataFrame]:
    return load_sources(session, store=SourceStore(get_settings().data_dir))


@celery_app.task(name="scoring.batch_score")
def batch_score(*, as_of: str, partitions: int = 4) -> int:
    """Open a run and send one partition task per partition once the run is committed."""
    with session_scope() as session:
        run = score_service.start_run(
            session,
            as_of=date.fromisoformat(as_of),
            partitions=partitions,
            actor=SystemActor("scheduler"),
        )
        assert run.id is not None
        for index in range(partitions):
            enqueue_after_commit(session, "scoring.score_partition", run_id=run.id, index=index)
        return run.id


@celery_app.task(name="scoring.score_partition")
def score_partition(*, run_id: int, index: int) -> int:
    """Score one partition (idempotent); the last partition to finish closes the run."""
    with session_scope() as session:
        written = score_service.score_partition(
            session, run_id=run_id, index=index, sources=_sources(session)
        )
        if score_service.closes_run(session, run_id=run_id):
            enqueue_after_commit(session, "scoring.finish_run", run_id=run_id)
        return written


@celery_app.task(name="scoring.finish_run")
def finish_run(*, run_id: int) -> None:
    """Profile the run and compare it with the previous one (PSI)."""
    with session_scope() as session:
        run = score_repository.get_run(session, run_id)
        if run is None or run.status is not RunStatus.RUNNING:
            return
        sources = _sources(session)
        score_service.finish_run(
            session, run_id=run_id, features=build_features(sources, as_of=run.as_of)
        )


@celery_app.task(name="scoring.sweep_runs")
def sweep_runs() -> int:
    """Close runs with every partition done; re-queue, then fail, runs stuck past the timeout."""
    timeout = timedelta(minutes=get_settings().scoring.run_timeout_minutes)
    with session_scope() as session:
        outcome = sweep(session, now=utcnow(), timeout=timeout)
    if outcome.finished or outcome.requeued or outcome.failed:
        log.warning(
            "score runs swept",
            extra={
                "finished": outcome.finished,
                "requeued": outcome.requeued,
                "failed": outcome.failed,
            },
        )
    return len(outcome.finished) + len(outcome.requeued) + len(outcome.failed)
