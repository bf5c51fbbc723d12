"""Celery tasks of leads: route new whitelisted applications, and sweep the deadlines."""

from __future__ import annotations

import logging
from dataclasses import asdict

from app.audit.service import SystemActor
from app.core.db import session_scope
from app.core.taskqueue import celery_app
from lenders.leads.routing import route_pending
from lenders.leads.sweep import sweep

log = logging.getLogger(__name__)


@celery_app.task(name="leads.route")
def route() -> dict[str, int]:
    """Match and offer every submitted application of a whitelist member. Idempotent: a
    routed application is no longer submitted."""
    with session_scope() as session:
        counts = route_pending(session, actor=SystemActor("router"))
    log.info("applications routed", extra=counts)
    return counts


@celery_app.task(name="leads.sweep_deadlines")
def sweep_deadlines() -> dict[str, int]:
    """Expire unanswered offers and record late decisions. Idempotent: each deadline closes once."""
    with session_scope() as session:
        swept = asdict(sweep(session, actor=SystemActor("deadlines")))
    log.info("lead deadlines swept", extra=swept)
    return swept
