"""Every query about loans and their history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.enterprises.models import Enterprise
from lenders.leads.models import Lead
from lenders.loans.models import DelinquencyReport, Loan, LoanRecovery, LoanRepayment, LoanStatus


def get(session: Session, loan_id: int, *, for_update: bool = False) -> Loan | None:
    """The loan; ``for_update`` locks its row until commit, so its reports apply one by one."""
    query = select(Loan).where(col(Loan.id) == loan_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    return session.exec(query).first()


def loaded(session: Session, loan_id: int) -> Loan | None:
    """The loan, from the session when it holds it already (no query), else read."""
    return session.get(Loan, loan_id)


def get_lead(session: Session, lead_id: int, *, for_update: bool = False) -> Lead | None:
    query = select(Lead).where(col(Lead.id) == lead_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    return session.exec(query).first()


def lock_enterprise(session: Session, uscc: str) -> None:
    """Hold the enterprise's row: two banks disbursing to it at once decide 首贷 one by one."""
    # NO KEY UPDATE: rows that merely reference the enterprise (new applications) still insert.
    query = select(Enterprise.uscc).where(col(Enterprise.uscc) == uscc)
    session.exec(query.with_for_update(key_share=True))


def has_loan(session: Session, uscc: str) -> bool:
    return session.exec(select(Loan.id).where(col(Loan.uscc) == uscc).limit(1)).first() is not None


def contract_taken(session: Session, *, lender_code: str, contract_id: str) -> bool:
    query = select(Loan.id).where(
        col(Loan.lender_code) == lender_code, col(Loan.contract_id) == contract_id
    )
    return session.exec(query.limit(1)).first() is not None


def repayment_for(session: Session, *, loan_id: int, period: str) -> LoanRepayment | None:
    query = select(LoanRepayment).where(
        col(LoanRepayment.loan_id) == loan_id, col(LoanRepayment.period) == period
    )
    return session.exec(query).first()


def repayments(session: Session, loan_id: int) -> Sequence[LoanRepayment]:
    query = select(LoanRepayment).where(col(LoanRepayment.loan_id) == loan_id)
    return session.exec(query.order_by(col(LoanRepayment.period), col(LoanRepayment.id))).all()


def delinquency_reports(session: Session, loan_id: int) -> Sequence[DelinquencyReport]:
    query = select(DelinquencyReport).where(col(DelinquencyReport.loan_id) == loan_id)
    return session.exec(
        query.order_by(col(DelinquencyReport.as_of), col(DelinquencyReport.id))
    ).all()


def recoveries(session: Session, loan_id: int) -> Sequence[LoanRecovery]:
    query = select(LoanRecovery).where(col(LoanRecovery.loan_id) == loan_id)
    return session.exec(query.order_by(col(LoanRecovery.recovered_on), col(LoanRecovery.id))).all()


def page(
    session: Session,
    *,
    lender_code: str | None,
    uscc: str | None,
    status: LoanStatus | None,
    first_loan: bool | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Loan], int]:
    """Loans newest first, narrowed by each condition given."""
    conditions: list[Any] = []
    if lender_code is not None:
        conditions.append(col(Loan.lender_code) == lender_code)
    if uscc is not None:
        conditions.append(col(Loan.uscc) == uscc)
    if status is not None:
        conditions.append(col(Loan.status) == status)
    if first_loan is not None:
        conditions.append(col(Loan.first_loan).is_(first_loan))
    rows = session.exec(
        select(Loan).where(*conditions).order_by(col(Loan.id).desc()).offset(offset).limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Loan).where(*conditions)).one()
    return rows, total
