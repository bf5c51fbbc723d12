"""The deadline sweep: unanswered offers expire and pass on; late decisions are recorded.

Run every few minutes by beat. A lead not accepted or declined within its working days
expires and the application goes to the next matched bank; when there is none left, the
application expires (nobody took the need up) and the whitelist hears of it. A bank that
accepted but has not decided in time keeps the lead; the breach is recorded and the bank told
(``lead.decision_overdue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.applications import repository as application_repository
from app.applications import state as application_state
from app.applications.models import ApplicationStatus
from app.audit.service import Actor
from app.core.clock import to_local, utcnow
from app.outbox import service as outbox
from lenders.leads import deadlines, queries, routing, state
from lenders.leads.answers import has_open
from lenders.leads.models import DeadlineKind, Lead, LeadDeadline, LeadStatus
from whitelist import exits as whitelist_exits
from whitelist.models import Trigger

OVERDUE_TOPIC = "lead.decision_overdue"


@dataclass
class Swept:
    expired: int = 0  # offers unanswered in time
    reoffered: int = 0  # new leads to the next banks
    applications_expired: int = 0  # no bank left to offer to
    decisions_overdue: int = 0


def sweep(session: Session, *, actor: Actor, now: datetime | None = None) -> Swept:
    moment = now or utcnow()
    swept = Swept()
    while batch := deadlines.overdue(session, now=moment):
        for deadline in batch:
            lead = queries.find(session, lead_id=deadline.lead_id)
            assert lead is not None
            if deadline.kind is DeadlineKind.RESPOND:
                _respond_missed(session, lead=lead, actor=actor, now=moment, swept=swept)
            else:
                _decide_missed(session, lead=lead, deadline=deadline, now=moment, swept=swept)
            # whatever the lead's state, the deadline is closed so the loop moves on
            deadlines.end(session, lead=lead, kind=deadline.kind, at=moment)
    return swept


def _respond_missed(
    session: Session, *, lead: Lead, actor: Actor, now: datetime, swept: Swept
) -> None:
    if lead.status is not LeadStatus.OFFERED:
        return
    state.transition(
        session,
        lead=lead,
        to=LeadStatus.EXPIRED,
        actor=actor,
        reason=f"no answer by {to_local(lead.respond_by):%Y-%m-%d %H:%M} (超时未响应)",
        at=now,
    )
    swept.expired += 1
    if has_open(session, lead.application_id):
        return
    application = application_repository.get(session, lead.application_id)
    assert application is not None
    offered = routing.offer_next(session, application=application, actor=actor, now=now)
    swept.reoffered += len(offered)
    if offered or application.status is not ApplicationStatus.RECOMMENDED:
        return
    application_state.transition(
        session,
        application=application,
        to=ApplicationStatus.EXPIRED,
        actor=actor,
        reason="no matched bank answered in time (无银行按时响应)",
    )
    swept.applications_expired += 1
    whitelist_exits.reassess(session, [application.uscc], trigger=Trigger.EXPIRY, now=now)


def _decide_missed(
    session: Session, *, lead: Lead, deadline: LeadDeadline, now: datetime, swept: Swept
) -> None:
    if lead.status is not LeadStatus.ACCEPTED:
        return
    swept.decisions_overdue += 1
    outbox.publish(
        session,
        topic=OVERDUE_TOPIC,
        lender_codes=[lead.lender_code],
        payload={
            "lead_id": lead.id,
            "application_id": lead.application_id,
            "decide_by": deadline.due_at.isoformat(),
            "at": now.isoformat(),
        },
    )
