"""Celery tasks of the delivery: push the due webhook events (beat, and a kick after publish)."""

from __future__ import annotations

import logging

from app.core.taskqueue import celery_app
from lenders.delivery.dispatch import deliver_due as run_deliveries

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
