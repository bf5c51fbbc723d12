"""What the incremental refresh asks of the platform's rows: what was written after a moment
(each answer the earliest business time it touches, summed up by the database), which
enterprises moved district or section, and the cuts it saw, kept for the next refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, delete, func, literal_column, union
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.applications.models import FinancingApplication
from app.enterprises.models import Enterprise
from app.monitoring.models import MonitoringEnterpriseCut, MonitoringFigure
from lenders.leads.models import Lead, LeadDeadline, LeadTransition
from lenders.loans.models import Loan, LoanRecovery, LoanRepayment
from scoring.sources.models import SourceBatch
from whitelist.models import WhitelistChange


def _min(session: Session, column: Any, *where: Any) -> Any:
    return session.execute(sa_select(func.min(column)).where(*where)).scalar()


def loans_touched(session: Session, *, after: datetime) -> list[tuple[date, date | None, bool]]:
    """(disbursed on, defaulted on, new) of every loan written or changed after ``after``."""
    rows = session.execute(
        sa_select(col(Loan.disbursed_on), col(Loan.defaulted_on), col(Loan.created_at))
        .where(col(Loan.updated_at) >= after)
    ).all()  # fmt: skip
    return [(disbursed, defaulted, created >= after) for disbursed, defaulted, created in rows]


def earliest_written(session: Session, *, after: datetime) -> dict[str, Any]:
    """Per source, the earliest business time (a period, a day, a moment) of its rows written
    after ``after``; None where nothing was."""
    return {
        "repayment_period": _min(
            session, LoanRepayment.period, col(LoanRepayment.created_at) >= after
        ),
        "recovered_on": _min(session, LoanRecovery.recovered_on,
                             col(LoanRecovery.created_at) >= after),
        "application_at": _min(session, FinancingApplication.created_at,
                               col(FinancingApplication.created_at) >= after),
        "offered_at": _min(session, Lead.offered_at, col(Lead.offered_at) >= after),
        "moved_at": _min(session, LeadTransition.at, col(LeadTransition.at) >= after),
        "whitelist_at": _min(session, WhitelistChange.at, col(WhitelistChange.at) >= after),
        "loaded_at": _min(session, SourceBatch.loaded_at, col(SourceBatch.loaded_at) >= after),
        "figure_month": _min(session, MonitoringFigure.month,
                             col(MonitoringFigure.entered_at) >= after),
        # a deadline started or ended since counts in its due month (a breach) or the month
        # it ended (an answer)
        "deadline_due_at": _min(session, LeadDeadline.due_at, _deadline_written(after)),
        "deadline_ended_at": _min(session, LeadDeadline.ended_at, _deadline_written(after)),
    }  # fmt: skip


def _deadline_written(after: datetime) -> Any:
    return (col(LeadDeadline.started_at) >= after) | (col(LeadDeadline.ended_at) >= after)


def earliest_fallen_due(session: Session, *, after: datetime, before: datetime) -> Any:
    """The earliest due time of the deadlines still open that fell due in [after, before): each
    became a breach of its month by time passing alone."""
    return _min(
        session, LeadDeadline.due_at, col(LeadDeadline.ended_at).is_(None),
        col(LeadDeadline.due_at) >= after, col(LeadDeadline.due_at) < before,
    )  # fmt: skip


def _monitored_usccs() -> Select[Any]:
    """Every enterprise some monitored row names."""
    return union(
        sa_select(col(Loan.uscc)), sa_select(col(FinancingApplication.uscc)),
        sa_select(col(Lead.uscc)), sa_select(col(WhitelistChange.uscc)),
    ).subquery().select()  # fmt: skip


def moved(session: Session) -> list[str]:
    """The enterprises whose district or industry section is not the one the last refresh saw."""
    seen = MonitoringEnterpriseCut
    return list(
        session.execute(
            sa_select(col(Enterprise.uscc))
            .join(seen, col(seen.uscc) == col(Enterprise.uscc))
            .where(
                (col(seen.district) != func.coalesce(col(Enterprise.district), ""))
                | (
                    col(seen.industry_section)
                    != func.coalesce(col(Enterprise.industry_section), "")
                )
            )
        ).scalars()
    )


def earliest_of(session: Session, *, usccs: list[str]) -> dict[str, Any]:
    """The earliest business time of any monitored row of these enterprises."""
    return {
        "disbursed_on": _min(session, Loan.disbursed_on, col(Loan.uscc).in_(usccs)),
        "application_at": _min(session, FinancingApplication.created_at,
                               col(FinancingApplication.uscc).in_(usccs)),
        "offered_at": _min(session, Lead.offered_at, col(Lead.uscc).in_(usccs)),
        "whitelist_at": _min(session, WhitelistChange.at, col(WhitelistChange.uscc).in_(usccs)),
    }  # fmt: skip


def remember_all_cuts(session: Session) -> None:
    """The cuts of every monitored enterprise as they stand (a full rebuild)."""
    session.execute(delete(MonitoringEnterpriseCut))
    _insert_cuts(session, col(Enterprise.uscc).in_(_monitored_usccs()))


def remember_cuts(session: Session, *, usccs: Iterable[str], after: datetime) -> None:
    """The cuts of ``usccs`` (moved) and of every enterprise first named by a row written after
    ``after``, as they stand."""
    moved_usccs = list(usccs)
    if moved_usccs:
        session.execute(
            delete(MonitoringEnterpriseCut).where(
                col(MonitoringEnterpriseCut.uscc).in_(moved_usccs)
            )
        )
    recent = union(
        sa_select(col(Loan.uscc)).where(col(Loan.updated_at) >= after),
        sa_select(col(FinancingApplication.uscc)).where(
            col(FinancingApplication.created_at) >= after
        ),
        sa_select(col(Lead.uscc)).where(col(Lead.offered_at) >= after),
        sa_select(col(WhitelistChange.uscc)).where(col(WhitelistChange.at) >= after),
    ).subquery()
    _insert_cuts(
        session,
        col(Enterprise.uscc).in_(sa_select(recent.c[0])) | col(Enterprise.uscc).in_(moved_usccs),
        col(Enterprise.uscc).not_in(sa_select(col(MonitoringEnterpriseCut.uscc))),
    )


def _insert_cuts(session: Session, *where: Any) -> None:
    chosen = sa_select(
        col(Enterprise.uscc),
        func.coalesce(col(Enterprise.district), literal_column("''")),
        func.coalesce(col(Enterprise.industry_section), literal_column("''")),
    ).where(*where)
    session.execute(
        MonitoringEnterpriseCut.__table__.insert().from_select(  # type: ignore[attr-defined]
            ["uscc", "district", "industry_section"], chosen
        )
    )
