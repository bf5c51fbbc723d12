"""Deadlines in working days: started with a lead's offer and acceptance, ended met or missed.

Each deadline is a row (``lead_deadlines``) from start to outcome, so the monitoring league
table can count answers in time and breaches per bank without replaying the leads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from lenders.deadlines.calendar import add_working_days
from lenders.leads import queries
from lenders.leads.models import DeadlineKind, DeadlineOutcome, Lead, LeadDeadline


def start(
    session: Session, *, lead: Lead, kind: DeadlineKind, at: datetime, working_days: int
) -> LeadDeadline:
    assert lead.id is not None
    deadline = LeadDeadline(
        lead_id=lead.id,
        lender_code=lead.lender_code,
        kind=kind,
        working_days=working_days,
        started_at=at,
        due_at=add_working_days(at, working_days),
    )
    session.add(deadline)
    session.flush()
    return deadline


def end(
    session: Session, *, lead: Lead, kind: DeadlineKind, at: datetime, cancelled: bool = False
) -> LeadDeadline | None:
    """Close the lead's open deadline of ``kind``: met when in time, missed when late."""
    assert lead.id is not None
    deadline = queries.open_deadline(session, lead_id=lead.id, kind=kind)
    if deadline is None:
        return None
    if cancelled:
        deadline.outcome = DeadlineOutcome.CANCELLED
    else:
        deadline.outcome = DeadlineOutcome.MET if at <= deadline.due_at else DeadlineOutcome.MISSED
    deadline.ended_at = at
    session.add(deadline)
    session.flush()
    return deadline


def fall_due(session: Session, *, kind: DeadlineKind, now: datetime) -> int:
    """Bring every open deadline of ``kind`` forward to ``now``; how many moved.

    For the demo and for drills: the next sweep then finds them missed, with every recorded
    time still the real one (moving the clock instead dates the outcomes in the future).
    """
    moved = queries.open_deadlines_due_after(session, kind=kind, moment=now)
    for deadline in moved:
        deadline.due_at = now
        lead = queries.find(session, lead_id=deadline.lead_id)
        assert lead is not None
        if kind is DeadlineKind.RESPOND:
            lead.respond_by = now
        else:
            lead.decide_by = now
        session.add_all([deadline, lead])
    session.flush()
    return len(moved)


def overdue(session: Session, *, now: datetime, limit: int = 500) -> Sequence[LeadDeadline]:
    """Open deadlines already past, oldest first."""
    return queries.overdue_deadlines(session, now=now, limit=limit)


def of_lead(session: Session, lead_id: int) -> Sequence[LeadDeadline]:
    return queries.deadlines_of(session, lead_id)
