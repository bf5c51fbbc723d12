"""Every query of the bank's read model and its monthly statement (``bank_view``,
``statement``); the fund's own rules keep theirs in ``repository.py``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from lenders.fund.models import ClaimStatus, CooperationAgreement, FundClaim, FundCover
from lenders.loans.models import Loan, LoanRecovery, LoanRepayment, LoanStatus

CoverLine = tuple[FundCover, Loan, int | None]  # the decision, its loan, the agreement version


def covers_page(
    session: Session, *, lender_code: str, covered: bool | None, offset: int, limit: int
) -> tuple[list[CoverLine], int]:
    """The bank's decisions newest first, covered or refused or both, with loan and version."""
    conditions: list[Any] = [col(FundCover.lender_code) == lender_code]
    if covered is not None:
        conditions.append(col(FundCover.covered).is_(covered))
    query = (
        select(FundCover, Loan, CooperationAgreement.version)
        .join(Loan, col(Loan.id) == col(FundCover.loan_id))
        .outerjoin(
            CooperationAgreement, col(CooperationAgreement.id) == col(FundCover.agreement_id)
        )
        .where(*conditions)
        .order_by(col(FundCover.decided_at).desc(), col(FundCover.id).desc())
        .offset(offset)
        .limit(limit)
    )
    rows: list[CoverLine] = [(cover, loan, version) for cover, loan, version in session.exec(query)]
    total = session.exec(select(func.count()).select_from(FundCover).where(*conditions)).one()
    return rows, int(total)


def claims_page(
    session: Session, *, lender_code: str, offset: int, limit: int
) -> tuple[list[tuple[FundClaim, Loan]], int]:
    """The bank's claims newest first, each with its loan."""
    condition = col(FundClaim.lender_code) == lender_code
    query = (
        select(FundClaim, Loan)
        .join(Loan, col(Loan.id) == col(FundClaim.loan_id))
        .where(condition)
        .order_by(col(FundClaim.filed_at).desc(), col(FundClaim.id).desc())
        .offset(offset)
        .limit(limit)
    )
    rows = [(claim, loan) for claim, loan in session.exec(query)]
    total = session.exec(select(func.count()).select_from(FundClaim).where(condition)).one()
    return rows, int(total)


def claim_counts(session: Session, *, lender_code: str) -> dict[ClaimStatus, int]:
    query = (
        select(FundClaim.status, func.count())
        .where(col(FundClaim.lender_code) == lender_code)
        .group_by(col(FundClaim.status))
    )
    return {ClaimStatus(status): int(count) for status, count in session.exec(query)}


def unclaimed_defaults(session: Session, *, lender_code: str) -> list[tuple[FundCover, Loan]]:
    """The bank's covered loans that defaulted and have no claim yet, oldest default first."""
    claimed = select(FundClaim.loan_id).where(col(FundClaim.lender_code) == lender_code)
    query = (
        select(FundCover, Loan)
        .join(Loan, col(Loan.id) == col(FundCover.loan_id))
        .where(
            col(FundCover.lender_code) == lender_code,
            col(FundCover.covered).is_(True),
            col(Loan.status) == LoanStatus.DEFAULTED,
            col(FundCover.loan_id).not_in(claimed),
        )
        .order_by(col(Loan.defaulted_on), col(Loan.id))
    )
    return [(cover, loan) for cover, loan in session.exec(query)]


def covered_by(
    session: Session, *, lender_code: str, before: datetime
) -> list[tuple[FundCover, Loan]]:
    """The bank's loans covered by decisions made before ``before``, in loan order."""
    query = (
        select(FundCover, Loan)
        .join(Loan, col(Loan.id) == col(FundCover.loan_id))
        .where(
            col(FundCover.lender_code) == lender_code,
            col(FundCover.covered).is_(True),
            col(FundCover.decided_at) < before,
        )
        .order_by(col(Loan.id))
    )
    return [(cover, loan) for cover, loan in session.exec(query)]


def repayments_through(
    session: Session, *, loan_ids: Sequence[int], day: date
) -> list[LoanRepayment]:
    """The repayments of these loans paid on or before ``day``, oldest first."""
    if not loan_ids:
        return []
    query = (
        select(LoanRepayment)
        .where(col(LoanRepayment.loan_id).in_(list(loan_ids)), col(LoanRepayment.paid_on) <= day)
        .order_by(col(LoanRepayment.paid_on), col(LoanRepayment.id))
    )
    return list(session.exec(query))


def recovered_through(session: Session, *, loan_ids: Sequence[int], day: date) -> dict[int, int]:
    """Per loan, the fen recovered on or before ``day``."""
    if not loan_ids:
        return {}
    query = (
        select(LoanRecovery.loan_id, func.sum(LoanRecovery.amount_fen))
        .where(col(LoanRecovery.loan_id).in_(list(loan_ids)), col(LoanRecovery.recovered_on) <= day)
        .group_by(col(LoanRecovery.loan_id))
    )
    return {loan_id: int(total) for loan_id, total in session.exec(query)}


def claims_filed_or_touched(
    session: Session, *, lender_code: str, ids: Sequence[int], since: datetime, until: datetime
) -> list[tuple[FundClaim, Loan]]:
    """The bank's claims filed in [since, until) or named in ``ids``, in claim order."""
    filed = (col(FundClaim.filed_at) >= since) & (col(FundClaim.filed_at) < until)
    query = (
        select(FundClaim, Loan)
        .join(Loan, col(Loan.id) == col(FundClaim.loan_id))
        .where(
            col(FundClaim.lender_code) == lender_code,
            filed | col(FundClaim.id).in_(list(ids)) if ids else filed,
        )
        .order_by(col(FundClaim.id))
    )
    return [(claim, loan) for claim, loan in session.exec(query)]
