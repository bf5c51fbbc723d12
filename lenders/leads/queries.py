"""Reading leads: one, a page, a lead's moves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from lenders.leads.exceptions import LeadNotFound
from lenders.leads.models import Lead, LeadStatus, LeadTransition


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
