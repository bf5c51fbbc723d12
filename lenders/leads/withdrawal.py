"""When the need ends (withdrawn, expired) the open leads of its application end too."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.audit.service import Actor
from app.core.clock import utcnow
from lenders.leads import deadlines, queries, state
from lenders.leads.models import DeadlineKind, Lead, LeadStatus


def withdraw_open(
    session: Session,
    *,
    application_id: int,
    actor: Actor,
    reason: str,
    now: datetime | None = None,
) -> list[Lead]:
    """Withdraw every open lead of the application, cancelling its deadlines; the banks are told."""
    moment = now or utcnow()
    open_leads = queries.of_application_in(session, application_id, statuses=state.OPEN)
    for lead in open_leads:
        state.transition(
            session, lead=lead, to=LeadStatus.WITHDRAWN, actor=actor, reason=reason, at=moment
        )
        for kind in DeadlineKind:
            deadlines.end(session, lead=lead, kind=kind, at=moment, cancelled=True)
    return list(open_leads)
