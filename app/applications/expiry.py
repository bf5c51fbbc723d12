"""Expiry (已过期): a financing need still open after the demand window ends by itself.

The whitelist counts a need as current for the policy's demand window (SPEC §5, 90 days by
default). An application older than that which no bank has accepted is moved to ``expired`` by
a daily sweep, so the enterprise's list, the banks' leads and the office's counts say what the
whitelist already judges: the need is no longer live. Once a bank has accepted, the bank's
decision ends the application, never the clock (``state.EXPIRABLE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from app.applications import repository, state
from app.applications.events import ApplicationEnded
from app.applications.exceptions import ApplicationChanged
from app.applications.models import ApplicationStatus
from app.applications.questions import DemandWindowDays
from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import events
from app.core.clock import utcnow
from app.enterprises.events import EnterpriseFactsChanged, FactsTrigger

BATCH = 500


@dataclass
class Swept:
    window_days: int
    expired: list[int] = field(default_factory=list)  # application ids
    skipped: list[int] = field(default_factory=list)  # moved by someone else meanwhile


def expire_stale(session: Session, *, actor: Actor, now: datetime | None = None) -> Swept:
    """Expire every expirable application created before the demand window; idempotent."""
    moment = now or utcnow()
    window = events.ask(session, DemandWindowDays())
    swept = Swept(window_days=window)
    cutoff = moment - timedelta(days=window)
    reason = f"no bank accepted it within the {window}-day demand window (需求已过期)"
    after = 0
    while True:
        stale = repository.created_before(
            session, statuses=state.EXPIRABLE, before=cutoff, after_id=after, limit=BATCH
        )
        if not stale:
            break
        ended: list[str] = []
        for application in stale:
            assert application.id is not None
            after = application.id
            try:
                state.transition(
                    session,
                    application=application,
                    to=ApplicationStatus.EXPIRED,
                    actor=actor,
                    reason=reason,
                )
            except ApplicationChanged:
                swept.skipped.append(application.id)
                continue
            events.publish(
                session,
                ApplicationEnded(
                    application_id=application.id, reason=reason, actor=actor, at=moment
                ),
            )
            swept.expired.append(application.id)
            ended.append(application.uscc)
        # Without another live need the enterprise leaves the whitelist now, as on withdrawal.
        events.publish(
            session,
            EnterpriseFactsChanged(usccs=tuple(ended), trigger=FactsTrigger.EXPIRY, at=moment),
        )
    if swept.expired:
        audit_service.record(
            session,
            actor=actor,
            action="applications.expired",
            subject_type="application",
            subject_id=swept.expired[0],
            detail={
                "count": len(swept.expired),
                "window_days": window,
                "first_id": swept.expired[0],
                "last_id": swept.expired[-1],
            },
        )
    return swept
