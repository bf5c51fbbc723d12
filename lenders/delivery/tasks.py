"""Celery tasks of the delivery: push the due webhook events (beat, and a kick after publish)."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.retention import BATCH, purge_in_batches
from app.core.taskqueue import celery_app
from lenders.delivery.dispatch import deliver_due as run_deliveries
from lenders.delivery.repository import purge_attempts_batch

log = logging.getLogger(__name__)


@celery_app.task(name="lenders.deliver_due")
def deliver_due() -> int:
    """Post every due event (for at most ~30 s); returns how many were acknowledged.

    Idempotent, as a late-acknowledged task must be: events are claimed in the database, so a
    second run, or one on another worker at the same time, posts only what is still due.
    """
    summary = run_deliveries()
    if summary.attempted:
        log.info(
            "webhooks delivered",
            extra={
                "attempted": summary.attempted,
                "delivered": summary.delivered,
                "failed": summary.failed,
                "dead": summary.dead,
            },
        )
    return summary.delivered


@celery_app.task(name="lenders.purge_delivery_attempts")
def purge_delivery_attempts(*, batch: int = BATCH) -> int:
    """Delete delivered events' attempts older than the retention period; how many."""
    days = get_settings().retention.delivery_attempts_days
    before = utcnow() - timedelta(days=days)
    removed = purge_in_batches(
        lambda session, limit: purge_attempts_batch(session, before=before, limit=limit),
        batch=batch,
    )
    if removed:
        log.info("delivery attempts purged", extra={"removed": removed, "before": before})
    return removed
