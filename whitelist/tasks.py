"""Celery tasks of the whitelist: the scheduled refresh (beat sends it, daily by default)."""

from __future__ import annotations

import logging

from app.audit.service import SystemActor
from app.core.db import session_scope
from app.core.taskqueue import celery_app
from scoring.registry.exceptions import NoChampion
from whitelist.exceptions import ChampionNotScored
from whitelist.refresh import refresh as run_refresh

log = logging.getLogger(__name__)


@celery_app.task(name="whitelist.refresh")
def refresh() -> int | None:
    """Judge every enterprise now; returns the version written, None when nothing moved.

    Idempotent, as a late-acknowledged task must be: a second run with nothing new writes no
    version. A platform with no champion, or one that has not scored yet, has nothing to judge
    with; that is the normal state of a new installation, so it is logged, not raised.
    """
    try:
        with session_scope() as session:
            result = run_refresh(session, actor=SystemActor("scheduler"))
            number = result.version.number if result.changed and result.version else None
    except (NoChampion, ChampionNotScored) as error:
        log.warning("whitelist refresh skipped", extra={"reason": str(error)})
        return None
    log.info("whitelist refreshed", extra={"version": number, "changed": number is not None})
    return number
