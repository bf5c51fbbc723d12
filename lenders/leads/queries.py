"""Every query of leads: one, a page, a lead's moves, its deadlines, an application's leads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from lenders.leads.exceptions import LeadNotFound
from lenders.leads.models import (
    DeadlineKind,
    DeadlineOutcome,
    Lead,
    LeadDeadline,
    LeadStatus,
    LeadTransition,
)


def find(session: Session, *, lead_id: int) -> Lead | None:
    """The lead with this id, None when there is none (not locked)."""
    return session.get(Lead, lead_id)


def get(session: Session, *, lead_id: int) -> Lead:
    lead = find(session, lead_id=lead_id)
    if lead is None:
        raise LeadNotFound(f"lead {lead_id} does not exist")
    return lead


def page(
    session: Session,
    *,
    lender_code: str | None = None,
    status: LeadStatus | None = None,
    application_id: int | None = None,
    uscc: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[Lead], int]:
    """Leads, newest first, narrowed by the given fields."""
    conditions: list[Any] = []
    if lender_code is not None:
        conditions.append(col(Lead.lender_code) == lender_code)
    if status is not None:
        conditions.append(col(Lead.status) == status)
    if application_id is not None:
        conditions.append(col(Lead.application_id) == application_id)
    if uscc is not None:
        conditions.append(col(Lead.uscc) == uscc)
    rows = session.exec(
        select(Lead).where(*conditions).order_by(col(Lead.id).desc()).offset(offset).limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Lead).where(*conditions)).one()
    return rows, total


def transitions_of(session: Session, lead_id: int) -> list[LeadTransition]:
    return list(
        session.exec(
            select(LeadTransition)
            .where(LeadTransition.lead_id == lead_id)
            .order_by(col(LeadTransition.id))
        ).all()
    )


def move_if(
    session: Session, *, lead_id: int, current: LeadStatus, to: LeadStatus, at: datetime
) -> bool:
    """Compare-and-set: move the lead to ``to`` only if it is still ``current``."""
    result = session.exec(
        update(Lead)
        .where(col(Lead.id) == lead_id, col(Lead.status) == current)
        .values(status=to, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def reload(session: Session, lead: Lead) -> None:
    """Read the lead's row again (after a compare-and-set moved it in SQL)."""
    session.refresh(lead)


def of_application(session: Session, application_id: int) -> Sequence[Lead]:
    """The application's leads, oldest first."""
    return session.exec(
        select(Lead).where(Lead.application_id == application_id).order_by(col(Lead.id))
    ).all()


def of_application_in(
    session: Session,
    application_id: int,
    *,
    statuses: Collection[LeadStatus],
    other_than: int | None = None,
) -> Sequence[Lead]:
    """The application's leads in ``statuses`` (but the lead ``other_than``)."""
    query = select(Lead).where(
        Lead.application_id == application_id, col(Lead.status).in_(list(statuses))
    )
    if other_than is not None:
        query = query.where(Lead.id != other_than)
    return session.exec(query).all()


def any_of_application_in(
    session: Session, application_id: int, *, statuses: Collection[LeadStatus]
) -> bool:
    found = session.exec(
        select(Lead.id)
        .where(Lead.application_id == application_id, col(Lead.status).in_(list(statuses)))
        .limit(1)
    ).first()
    return found is not None


def offered_since(
    session: Session, lender_codes: Sequence[str], *, since: datetime
) -> Sequence[tuple[Any, ...]]:
    """(lender, status, offered at, responded at) of the banks' leads offered since ``since``."""
    return session.exec(
        select(Lead.lender_code, Lead.status, Lead.offered_at, Lead.responded_at).where(
            col(Lead.lender_code).in_(list(lender_codes)), col(Lead.offered_at) >= since
        )
    ).all()


def lenders_of_leads(
    session: Session, usccs: Sequence[str], *, statuses: Collection[LeadStatus]
) -> Sequence[tuple[str, str]]:
    """(uscc, lender code) of the enterprises' leads in ``statuses``."""
    return session.exec(
        select(Lead.uscc, Lead.lender_code).where(
            col(Lead.uscc).in_(list(usccs)), col(Lead.status).in_(list(statuses))
        )
    ).all()


# Deadlines


def open_deadline(session: Session, *, lead_id: int, kind: DeadlineKind) -> LeadDeadline | None:
    return session.exec(
        select(LeadDeadline).where(
            LeadDeadline.lead_id == lead_id,
            LeadDeadline.kind == kind,
            LeadDeadline.outcome == DeadlineOutcome.OPEN,
        )
    ).first()


def open_deadlines_due_after(
    session: Session, *, kind: DeadlineKind, moment: datetime
) -> Sequence[LeadDeadline]:
    return session.exec(
        select(LeadDeadline).where(
            LeadDeadline.outcome == DeadlineOutcome.OPEN,
            LeadDeadline.kind == kind,
            col(LeadDeadline.due_at) > moment,
        )
    ).all()


def overdue_deadlines(session: Session, *, now: datetime, limit: int) -> Sequence[LeadDeadline]:
    """Open deadlines already past, oldest first."""
    return session.exec(
        select(LeadDeadline)
        .where(LeadDeadline.outcome == DeadlineOutcome.OPEN, col(LeadDeadline.due_at) < now)
        .order_by(col(LeadDeadline.due_at), col(LeadDeadline.id))
        .limit(limit)
    ).all()


def deadlines_of(session: Session, lead_id: int) -> Sequence[LeadDeadline]:
    return session.exec(
        select(LeadDeadline).where(LeadDeadline.lead_id == lead_id).order_by(col(LeadDeadline.id))
    ).all()
