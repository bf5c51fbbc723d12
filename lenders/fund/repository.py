"""Every query of the fund (the ledger's are in ``ledger/repository.py``)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from lenders.fund.models import CooperationAgreement


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
