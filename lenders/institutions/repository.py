"""Every query about lenders."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from lenders.institutions.models import Lender


def get(session: Session, lender_id: int) -> Lender | None:
    return session.get(Lender, lender_id)


def active_codes(session: Session) -> Sequence[str]:
    return session.exec(select(Lender.code).where(col(Lender.is_active))).all()


def get_by_code(session: Session, code: str) -> Lender | None:
    return session.exec(select(Lender).where(Lender.code == code)).first()


def page(session: Session, *, offset: int, limit: int) -> tuple[Sequence[Lender], int]:
    rows = session.exec(select(Lender).order_by(col(Lender.id)).offset(offset).limit(limit)).all()
    total = session.exec(select(func.count()).select_from(Lender)).one()
    return rows, total


def active(session: Session) -> Sequence[Lender]:
    """The active lenders by name, for a person choosing one."""
    return session.exec(
        select(Lender).where(col(Lender.is_active).is_(True)).order_by(Lender.name)
    ).all()


def names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    """The names of the lenders with these codes, active or not, in one query."""
    if not codes:
        return {}
    rows = session.exec(select(Lender.code, Lender.name).where(col(Lender.code).in_(set(codes))))
    return dict(rows.all())
