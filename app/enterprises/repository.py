"""Every query about enterprises and the USCC review list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.enterprises.models import Enterprise, ReviewStatus, UsccReview
from app.enterprises.schemas import EnterpriseFilters


def get(session: Session, uscc: str) -> Enterprise | None:
    return session.get(Enterprise, uscc)


def names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    """The registered name of each of these enterprises, in one query."""
    if not codes:
        return {}
    rows = session.exec(
        select(Enterprise.uscc, Enterprise.name).where(col(Enterprise.uscc).in_(set(codes)))
    )
    return dict(rows.all())


def page(
    session: Session, *, filters: EnterpriseFilters, offset: int, limit: int
) -> tuple[Sequence[Enterprise], int]:
    conditions = []
    if filters.district:
        conditions.append(Enterprise.district == filters.district)
    if filters.industry_section:
        conditions.append(Enterprise.industry_section == filters.industry_section)
    if filters.entity_type:
        conditions.append(Enterprise.entity_type == filters.entity_type)
    if filters.status:
        conditions.append(Enterprise.status == filters.status)
    if filters.q and filters.q.strip():
        conditions.append(_matches(filters.q.strip()))
    rows = session.exec(
        select(Enterprise).where(*conditions).order_by(Enterprise.uscc).offset(offset).limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Enterprise).where(*conditions)).one()
    return rows, total


_CODE_START = re.compile(r"^[0-9A-Z]{2,18}$")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(q: str) -> Any:
    """A USCC exactly or by its first characters, or the name containing ``q`` (as text)."""
    text = _escape_like(q)
    by_name = col(Enterprise.name).like(f"%{text}%", escape="\\")
    code = q.replace(" ", "").upper()
    if _CODE_START.match(code):
        return or_(col(Enterprise.uscc).like(f"{code}%", escape="\\"), by_name)
    return by_name


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Enterprise)).one()


def get_review(session: Session, review_id: int) -> UsccReview | None:
    return session.get(UsccReview, review_id)


def pending_review_for(session: Session, uscc: str) -> UsccReview | None:
    return session.exec(
        select(UsccReview).where(UsccReview.uscc == uscc, UsccReview.status == ReviewStatus.PENDING)
    ).first()


def review_page(
    session: Session, *, status: ReviewStatus | None, offset: int, limit: int
) -> tuple[Sequence[UsccReview], int]:
    conditions = [UsccReview.status == status] if status else []
    rows = session.exec(
        select(UsccReview)
        .where(*conditions)
        .order_by(col(UsccReview.id))
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(UsccReview).where(*conditions)).one()
    return rows, total


def review_count(session: Session, *, status: ReviewStatus) -> int:
    return session.exec(
        select(func.count()).select_from(UsccReview).where(UsccReview.status == status)
    ).one()


def accepted_after_review(session: Session) -> Sequence[str]:
    """The codes whose check character fails but that a review accepted as issued."""
    return session.exec(
        select(Enterprise.uscc).where(col(Enterprise.uscc_check_passed).is_(False))
    ).all()
