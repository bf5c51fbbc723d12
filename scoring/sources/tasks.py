"""Celery tasks of source data: large uploads load in the background."""

from __future__ import annotations

from app.core.taskqueue import celery_app
from scoring.sources import uploads


@celery_app.task(name=uploads.LOAD_TASK)
def load_upload(batch_id: int) -> str | None:
    """Load a queued upload; the batch ends loaded or refused. Idempotent (a done batch stays)."""
    status = uploads.load_queued(batch_id)
    return status.value if status else None
