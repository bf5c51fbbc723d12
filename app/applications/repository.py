"""Every query about financing applications and their transitions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.applications.models import ApplicationStatus, ApplicationTransition, FinancingApplication


def get(session: Session, application_id: int) -> FinancingApplication | None:
    return session.get(FinancingApplication, application_id)


def page(
    session: Session,
    *,
    uscc: str | None,
    status: ApplicationStatus | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[FinancingApplication], int]:
    """Applications, newest first, of one enterprise when ``uscc`` is given."""
    conditions = []
    if uscc is not None:
        conditions.append(col(FinancingApplication.uscc) == uscc)
    if status is not None:
        conditions.append(col(FinancingApplication.status) == status)
    rows = session.exec(
        select(FinancingApplication)
        .where(*conditions)
        .order_by(col(FinancingApplication.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(
        select(func.count()).select_from(FinancingApplication).where(*conditions)
    ).one()
    return rows, total


def move_if(
    session: Session,
    *,
    application_id: int,
    current: ApplicationStatus,
    to: ApplicationStatus,
    at: datetime,
) -> bool:
    """Set the status to ``to`` only if it is still ``current``; False when someone moved first."""
    result = session.exec(
        update(FinancingApplication)
        .where(col(FinancingApplication.id) == application_id)
        .where(col(FinancingApplication.status) == current)
        .values(status=to, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def transitions(session: Session, application_id: int) -> Sequence[ApplicationTransition]:
    """The application's history, oldest first."""
    return session.exec(
        select(ApplicationTransition)
        .where(ApplicationTransition.application_id == application_id)
        .order_by(col(ApplicationTransition.id))
    ).all()


def created_before(
    session: Session,
    *,
    statuses: Collection[ApplicationStatus],
    before: datetime,
    after_id: int,
    limit: int,
) -> Sequence[FinancingApplication]:
    """Up to ``limit`` applications in ``statuses`` created before ``before``, by id after
    ``after_id`` (a sweep pages through them)."""
    return session.exec(
        select(FinancingApplication)
        .where(
            col(FinancingApplication.status).in_(list(statuses)),
            col(FinancingApplication.created_at) < before,
            col(FinancingApplication.id) > after_id,
        )
        .order_by(col(FinancingApplication.id))
        .limit(limit)
    ).all()


def reload(session: Session, application: FinancingApplication) -> None:
    """Read the application's row again (after a compare-and-set moved it in SQL)."""
    session.refresh(application)


def chosen_lenders(
    session: Session, usccs: Sequence[str], *, ended: Collection[ApplicationStatus]
) -> Sequence[tuple[str, str | None]]:
    """(uscc, lender code) of the enterprises' applications that chose a bank and have not
    ended."""
    return session.exec(
        select(FinancingApplication.uscc, FinancingApplication.lender_code).where(
            col(FinancingApplication.uscc).in_(list(usccs)),
            col(FinancingApplication.lender_code).is_not(None),
            col(FinancingApplication.status).not_in(list(ended)),
        )
    ).all()
