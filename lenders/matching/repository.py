"""Every query of matching: the stored matches (匹配) of an application."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlmodel import Session, col, select

from app.applications.models import ApplicationStatus, FinancingApplication
from lenders.matching.models import Match


def matches_of(session: Session, application_id: int) -> Sequence[Match]:
    """The application's matches, best first."""
    return session.exec(
        select(Match).where(Match.application_id == application_id).order_by(col(Match.rank))
    ).all()


def matched_while_live(
    session: Session, *, uscc: str, lender_code: str, ended: Collection[ApplicationStatus]
) -> bool:
    """Whether matching found a product of the bank for an application of the enterprise that
    has not ended."""
    live = select(FinancingApplication.id).where(
        FinancingApplication.uscc == uscc, col(FinancingApplication.status).not_in(list(ended))
    )
    matched = select(Match.id).where(
        col(Match.application_id).in_(live), Match.lender_code == lender_code
    )
    return session.exec(matched.limit(1)).first() is not None
