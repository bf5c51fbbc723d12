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

from sqlmodel import Session, col, select

from app.applications import state
from app.applications.exceptions import ApplicationChanged
from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from lenders.leads import withdrawal as lead_withdrawal
from whitelist import exits as whitelist_exits
from whitelist import policy
from whitelist.models import Trigger

BATCH = 500


@dataclass
class Swept:
    window_days: int
    expired: list[int] = field(default_factory=list)  # application ids
    skipped: list[int] = field(default_factory=list)  # moved by someone else meanwhile


def expire_stale(session: Session, *, actor: Actor, now: datetime | None = None) -> Swept:
    """Expire every expirable application created before the demand window; idempotent."""
    moment = now or utcnow()
    window = policy.current(session).demand_window_days
    swept = Swept(window_days=window)
    cutoff = moment - timedelta(days=window)
    reason = f"no bank accepted it within the {window}-day demand window (需求已过期)"
    after = 0
    while True:
        stale = session.exec(
            select(FinancingApplication)
            .where(
                col(FinancingApplication.status).in_(list(state.EXPIRABLE)),
                col(FinancingApplication.created_at) < cutoff,
                col(FinancingApplication.id) > after,
            )
            .order_by(col(FinancingApplication.id))
            .limit(BATCH)
        ).all()
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
            lead_withdrawal.withdraw_open(
                session, application_id=application.id, actor=actor, reason=reason, now=moment
            )
            swept.expired.append(application.id)
            ended.append(application.uscc)
        # Without another live need the enterprise leaves the whitelist now, as on withdrawal.
        whitelist_exits.reassess(session, ended, trigger=Trigger.EXPIRY, now=moment)
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
