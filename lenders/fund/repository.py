"""Every query of the fund (the ledger's are in ``ledger/repository.py``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from lenders.fund.models import CooperationAgreement, FundClaim, FundCover
from lenders.loans.models import Loan


def latest_agreement(
    session: Session, lender_code: str, *, for_update: bool = False
) -> CooperationAgreement | None:
    query = (
        select(CooperationAgreement)
        .where(CooperationAgreement.lender_code == lender_code)
        .order_by(col(CooperationAgreement.version).desc())
    )
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def agreement_on(session: Session, lender_code: str, day: date) -> CooperationAgreement | None:
    """The newest version whose terms had started by ``day`` (expiry is the caller's to judge)."""
    query = (
        select(CooperationAgreement)
        .where(
            CooperationAgreement.lender_code == lender_code,
            col(CooperationAgreement.effective_from) <= day,
        )
        .order_by(col(CooperationAgreement.version).desc())
    )
    return session.exec(query).first()


def agreements(session: Session, lender_code: str) -> list[CooperationAgreement]:
    query = (
        select(CooperationAgreement)
        .where(CooperationAgreement.lender_code == lender_code)
        .order_by(col(CooperationAgreement.version))
    )
    return list(session.exec(query))


def cover_of(session: Session, loan_id: int) -> FundCover | None:
    return session.exec(select(FundCover).where(FundCover.loan_id == loan_id)).first()


def covered_outstanding(
    session: Session, *, lender_code: str | None = None, uscc: str | None = None
) -> int:
    """What is still owed on the loans the fund covers, of one bank or one enterprise (fen)."""
    query = (
        select(func.coalesce(func.sum(Loan.outstanding_fen), 0))
        .select_from(FundCover)
        .join(Loan, col(Loan.id) == col(FundCover.loan_id))
        .where(col(FundCover.covered).is_(True))
    )
    if lender_code is not None:
        query = query.where(FundCover.lender_code == lender_code)
    if uscc is not None:
        query = query.where(FundCover.uscc == uscc)
    return int(session.exec(query).one())


def lock_agreement_holder(session: Session, lender_code: str) -> None:
    """Serialise cover decisions of one bank: the headroom is read and used in one step."""
    latest_agreement(session, lender_code, for_update=True)


def agreement(session: Session, agreement_id: int) -> CooperationAgreement | None:
    return session.get(CooperationAgreement, agreement_id)


def claim(session: Session, claim_id: int, *, for_update: bool = False) -> FundClaim | None:
    query = select(FundClaim).where(FundClaim.id == claim_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def claim_of_loan(session: Session, loan_id: int, *, for_update: bool = False) -> FundClaim | None:
    query = select(FundClaim).where(FundClaim.loan_id == loan_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()
