"""A bank files a claim on its own loan: another bank's loan is LoanNotFound, as a missing one,
before the fund's own rules (``claims.file``) judge whether it may be claimed."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.audit.service import Actor
from lenders.fund import bank_view, claims
from lenders.fund.bank_view import ClaimRow
from lenders.loans import service as loan_service


def file_own(
    session: Session, *, loan_id: int, lender_code: str, actor: Actor, today: date
) -> ClaimRow:
    """The bank's claim on its loan ``loan_id`` (``today``: the city's calendar day)."""
    loan_service.get_for_lender(session, loan_id=loan_id, lender_code=lender_code)
    filed = claims.file(session, loan_id=loan_id, lender_code=lender_code, actor=actor, today=today)
    assert filed.id is not None
    return bank_view.claim(session, claim_id=filed.id, lender_code=lender_code)
