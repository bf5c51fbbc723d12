"""Every query of matching: the stored matches (匹配) of an application."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from lenders.matching.models import Match


def matches_of(session: Session, application_id: int) -> Sequence[Match]:
    """The application's matches, best first."""
    return session.exec(
        select(Match).where(Match.application_id == application_id).order_by(col(Match.rank))
    ).all()
