"""What the monitoring reads of other areas' records, one query per source, with each row's cuts
(the enterprise's district and industry section, the bank, the product type) joined in; and
its own cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.applications.models import FinancingApplication
from app.enterprises.models import Enterprise
from app.monitoring.models import (
    MonitoringCell,
    MonitoringFigure,
    MonitoringLeagueRow,
    MonitoringRefresh,
    MonitoringTarget,
)
from lenders.institutions.models import Lender
from lenders.leads.models import Lead, LeadDeadline, LeadStatus, LeadTransition
from lenders.loans.models import Loan, LoanRecovery, LoanRepayment
from lenders.products.models import LoanProduct
from scoring.sources.models import BatchStatus, RejectedRow, SourceBatch
from whitelist.models import WhitelistChange


def loans(session: Session) -> Sequence[Any]:
    """(id, uscc, lender, product type, district, section, disbursed on, principal, rate, first,
    defaulted on, outstanding at default, application made at) of every loan."""
    return session.execute(
        sa_select(
            col(Loan.id), col(Loan.uscc), col(Loan.lender_code), col(LoanProduct.product_type),
            col(Enterprise.district), col(Enterprise.industry_section), col(Loan.disbursed_on),
            col(Loan.principal_fen), col(Loan.rate_bp), col(Loan.first_loan),
            col(Loan.defaulted_on), col(Loan.outstanding_at_default_fen),
            col(FinancingApplication.created_at),
        )
        .join(LoanProduct, col(LoanProduct.id) == col(Loan.product_id))
        .join(Enterprise, col(Enterprise.uscc) == col(Loan.uscc))
        .join(FinancingApplication, col(FinancingApplication.id) == col(Loan.application_id))
    ).all()  # fmt: skip


def repayments(session: Session) -> Sequence[Any]:
    """(loan id, period "YYYY-MM", principal repaid)."""
    return session.execute(
        sa_select(
            col(LoanRepayment.loan_id), col(LoanRepayment.period), col(LoanRepayment.principal_fen)
        )
    ).all()


def recoveries(session: Session) -> Sequence[Any]:
    """(loan id, recovered on, amount)."""
    return session.execute(
        sa_select(
            col(LoanRecovery.loan_id), col(LoanRecovery.recovered_on), col(LoanRecovery.amount_fen)
        )
    ).all()


def applications(session: Session) -> Sequence[Any]:
    """(made at, product type, lender or None, district, section)."""
    return session.execute(
        sa_select(
            col(FinancingApplication.created_at), col(FinancingApplication.product_type),
            col(FinancingApplication.lender_code), col(Enterprise.district),
            col(Enterprise.industry_section),
        ).join(Enterprise, col(Enterprise.uscc) == col(FinancingApplication.uscc))
    ).all()  # fmt: skip


def leads(session: Session) -> Sequence[Any]:
    """(id, offered at, lender, product type, district, section)."""
    return session.execute(
        sa_select(
            col(Lead.id), col(Lead.offered_at), col(Lead.lender_code),
            col(LoanProduct.product_type), col(Enterprise.district),
            col(Enterprise.industry_section),
        )
        .join(LoanProduct, col(LoanProduct.id) == col(Lead.product_id))
        .join(Enterprise, col(Enterprise.uscc) == col(Lead.uscc))
    ).all()  # fmt: skip


def lead_moves(session: Session, *, into: Sequence[Any]) -> Sequence[Any]:
    """(lead id, status moved into, at) of every move into one of ``into``."""
    return session.execute(
        sa_select(
            col(LeadTransition.lead_id), col(LeadTransition.to_status), col(LeadTransition.at)
        ).where(col(LeadTransition.to_status).in_(into))
    ).all()


def whitelist_changes(session: Session) -> Sequence[Any]:
    """(uscc, kind, at, district, section) of every join and exit, in order."""
    return session.execute(
        sa_select(
            col(WhitelistChange.uscc), col(WhitelistChange.kind), col(WhitelistChange.at),
            col(Enterprise.district), col(Enterprise.industry_section),
        )
        .join(Enterprise, col(Enterprise.uscc) == col(WhitelistChange.uscc), isouter=True)
        .order_by(col(WhitelistChange.id))
    ).all()  # fmt: skip


def batches(session: Session) -> Sequence[Any]:
    """(loaded at, rows read, rows held for USCC review) of every batch read row by row (a
    file refused whole has no rows)."""
    return session.execute(
        sa_select(
            col(SourceBatch.loaded_at), col(SourceBatch.rows_read),
            col(SourceBatch.rows_held_for_review),
        ).where(col(SourceBatch.status) != BatchStatus.REFUSED)
    ).all()  # fmt: skip


def rejected_rows(session: Session) -> Sequence[Any]:
    """(batch loaded at, the first column broken, every violation) of every rejected row."""
    return session.execute(
        sa_select(
            col(SourceBatch.loaded_at), col(RejectedRow.column), col(RejectedRow.violations)
        ).join(SourceBatch, col(SourceBatch.id) == col(RejectedRow.batch_id))
    ).all()


def deadlines(session: Session) -> Sequence[Any]:
    """(bank, kind, started at, due at, outcome, ended at) of every lead deadline."""
    return session.execute(
        sa_select(
            col(LeadDeadline.lender_code), col(LeadDeadline.kind), col(LeadDeadline.started_at),
            col(LeadDeadline.due_at), col(LeadDeadline.outcome), col(LeadDeadline.ended_at),
        )
    ).all()  # fmt: skip


def lead_answers(session: Session) -> Sequence[Any]:
    """(bank, status moved into, at, decline reason) of every decline, approval and rejection."""
    answers = [LeadStatus.DECLINED, LeadStatus.APPROVED, LeadStatus.REJECTED]
    return session.execute(
        sa_select(
            col(Lead.lender_code), col(LeadTransition.to_status), col(LeadTransition.at),
            col(Lead.decline_reason),
        )
        .join(Lead, col(Lead.id) == col(LeadTransition.lead_id))
        .where(col(LeadTransition.to_status).in_(answers))
    ).all()  # fmt: skip


def lender_names(session: Session) -> dict[str, str]:
    return dict(session.execute(sa_select(col(Lender.code), col(Lender.name))).tuples().all())


def replace_league(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(delete(MonitoringLeagueRow))
    if rows:
        session.execute(MonitoringLeagueRow.__table__.insert(), rows)  # type: ignore[attr-defined]


def league_rows(session: Session, *, month: str) -> Sequence[MonitoringLeagueRow]:
    return session.exec(
        select(MonitoringLeagueRow)
        .where(MonitoringLeagueRow.month == month)
        .order_by(col(MonitoringLeagueRow.lender_code))
    ).all()


def replace_cells(session: Session, rows: list[dict[str, Any]]) -> None:
    """Every cell anew (a rebuild is whole: a month's figures may change when a late report
    lands, and a cell that became 0 must go)."""
    session.execute(delete(MonitoringCell))
    if rows:
        session.execute(MonitoringCell.__table__.insert(), rows)  # type: ignore[attr-defined]


def cell_sums(
    session: Session,
    *,
    measures: Sequence[str],
    first: str,
    last: str,
    by: str | None,
    where: dict[str, str],
) -> Sequence[Any]:
    """(measure, month, group, Σ value) of the cells of ``measures`` in [first, last], grouped
    by the cut ``by`` (or all together) and filtered to ``where``'s cut values."""
    conditions = [
        col(MonitoringCell.measure).in_(measures),
        col(MonitoringCell.month) >= first,
        col(MonitoringCell.month) <= last,
        *(getattr(MonitoringCell, cut) == value for cut, value in where.items()),
    ]
    keys = [col(MonitoringCell.measure), col(MonitoringCell.month)]
    if by is not None:
        keys.append(getattr(MonitoringCell, by))
    rows = session.execute(
        sa_select(*keys, func.sum(MonitoringCell.value)).where(*conditions).group_by(*keys)
    ).all()
    if by is None:
        return [(measure, month, "", total) for measure, month, total in rows]
    return rows


def months_held(session: Session) -> tuple[str | None, str | None]:
    first, last = session.execute(
        sa_select(func.min(MonitoringCell.month), func.max(MonitoringCell.month))
    ).one()
    return first, last


def last_refresh(session: Session) -> MonitoringRefresh | None:
    return session.exec(
        select(MonitoringRefresh).order_by(col(MonitoringRefresh.id).desc()).limit(1)
    ).first()


def target(session: Session, *, indicator: str, district: str) -> MonitoringTarget | None:
    """The version in force: the newest."""
    return session.exec(
        select(MonitoringTarget)
        .where(MonitoringTarget.indicator == indicator, MonitoringTarget.district == district)
        .order_by(col(MonitoringTarget.version).desc())
        .limit(1)
    ).first()


def target_versions(
    session: Session, *, indicator: str, district: str
) -> Sequence[MonitoringTarget]:
    return session.exec(
        select(MonitoringTarget)
        .where(MonitoringTarget.indicator == indicator, MonitoringTarget.district == district)
        .order_by(col(MonitoringTarget.version).desc())
    ).all()


def targets_in_force(session: Session) -> list[MonitoringTarget]:
    """The newest version of every indicator's and district's target, by indicator."""
    newest: dict[tuple[str, str], MonitoringTarget] = {}
    for row in session.exec(select(MonitoringTarget).order_by(col(MonitoringTarget.version))):
        newest[(row.indicator, row.district)] = row
    return [newest[key] for key in sorted(newest)]


def entered_figures(session: Session, *, through: str) -> Sequence[Any]:
    """(measure, district, month, value, version) of every entered figure up to ``through``,
    in version order."""
    return session.execute(
        sa_select(
            col(MonitoringFigure.measure), col(MonitoringFigure.district),
            col(MonitoringFigure.month), col(MonitoringFigure.value),
            col(MonitoringFigure.version),
        )
        .where(col(MonitoringFigure.month) <= through)
        .order_by(col(MonitoringFigure.version), col(MonitoringFigure.id))
    ).all()  # fmt: skip


def figure(session: Session, *, measure: str, district: str, month: str) -> MonitoringFigure | None:
    return session.exec(
        select(MonitoringFigure)
        .where(
            MonitoringFigure.measure == measure,
            MonitoringFigure.district == district,
            MonitoringFigure.month == month,
        )
        .order_by(col(MonitoringFigure.version).desc())
        .limit(1)
    ).first()


def figures(session: Session, *, measure: str | None) -> Sequence[MonitoringFigure]:
    """Every entered figure (every version), newest month and version first."""
    query = select(MonitoringFigure)
    if measure is not None:
        query = query.where(MonitoringFigure.measure == measure)
    return session.exec(
        query.order_by(
            col(MonitoringFigure.measure), col(MonitoringFigure.district),
            col(MonitoringFigure.month).desc(), col(MonitoringFigure.version).desc(),
        )
    ).all()  # fmt: skip
