"""The bank's view of the fund (read model): its agreement in force, headroom and NPL against
its lines, its covered loans and refusals, its claims, and the loans it may still claim on.

Every function takes the bank's own code: another bank's claim is ClaimNotFound, as a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.enterprises import service as enterprise_service
from lenders.fund import agreements, bank_queries, chart, claims, cover, repository, suspension
from lenders.fund.exceptions import ClaimNotFound, NoAgreement
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import AccountNotFound
from lenders.fund.models import ClaimStatus, CooperationAgreement, FundClaim, FundCover
from lenders.loans import repository as loan_repository
from lenders.loans.models import Loan


@dataclass(frozen=True)
class Standing:
    """Where the bank stands with the fund today."""

    lender_code: str
    agreement: CooperationAgreement | None  # the version in force today, if any
    allocation_left_fen: int  # what is left of the bank's allocation after payouts
    headroom_fen: int  # how much more principal can be covered now
    covered_outstanding_fen: int
    npl_bp: int
    suspended: bool
    covered_loans: int
    refused_loans: int
    claims: dict[ClaimStatus, int]


@dataclass(frozen=True)
class CoverRow:
    cover: FundCover
    loan: Loan
    enterprise_name: str | None
    agreement_version: int | None


@dataclass(frozen=True)
class ClaimRow:
    claim: FundClaim
    loan: Loan
    enterprise_name: str | None


@dataclass(frozen=True)
class Claimable:
    """A covered loan that defaulted and is not claimed yet, with its claim window."""

    loan: Loan
    enterprise_name: str | None
    last_day: date

    def open_on(self, day: date) -> bool:
        return day <= self.last_day


def standing(session: Session, *, lender_code: str, today: date) -> Standing:
    """The bank's agreement in force on ``today`` (the city's day), headroom, NPL and counts."""
    try:
        agreement: CooperationAgreement | None = agreements.in_force(
            session, lender_code=lender_code, on=today
        )
    except NoAgreement:
        agreement = None
    _, covered = bank_queries.covers_page(
        session, lender_code=lender_code, covered=True, offset=0, limit=1
    )
    _, refused = bank_queries.covers_page(
        session, lender_code=lender_code, covered=False, offset=0, limit=1
    )
    return Standing(
        lender_code=lender_code,
        agreement=agreement,
        allocation_left_fen=_allocation_left(session, lender_code),
        headroom_fen=cover.headroom_fen(session, agreement=agreement) if agreement else 0,
        covered_outstanding_fen=repository.covered_outstanding(session, lender_code=lender_code),
        npl_bp=suspension.npl_bp(session, lender_code),
        suspended=suspension.is_suspended(session, lender_code),
        covered_loans=covered,
        refused_loans=refused,
        claims=bank_queries.claim_counts(session, lender_code=lender_code),
    )


def covers(
    session: Session, *, lender_code: str, covered: bool | None, offset: int, limit: int
) -> tuple[list[CoverRow], int]:
    """The bank's decisions newest first: covered loans, refusals with their reasons, or both."""
    lines, total = bank_queries.covers_page(
        session, lender_code=lender_code, covered=covered, offset=offset, limit=limit
    )
    names = enterprise_service.names(session, codes=[loan.uscc for _, loan, _ in lines])
    rows = [CoverRow(c, loan, names.get(loan.uscc), version) for c, loan, version in lines]
    return rows, total


def claim_rows(
    session: Session, *, lender_code: str, offset: int, limit: int
) -> tuple[list[ClaimRow], int]:
    """The bank's claims newest first, each with its state and amounts."""
    lines, total = bank_queries.claims_page(
        session, lender_code=lender_code, offset=offset, limit=limit
    )
    names = enterprise_service.names(session, codes=[loan.uscc for _, loan in lines])
    return [ClaimRow(claim, loan, names.get(loan.uscc)) for claim, loan in lines], total


def claim(session: Session, *, claim_id: int, lender_code: str) -> ClaimRow:
    """One of the bank's claims; another bank's answers exactly as a missing one."""
    found = repository.claim(session, claim_id)
    if found is None or found.lender_code != lender_code:
        raise ClaimNotFound(f"no claim {claim_id}")
    loan = loan_repository.get(session, found.loan_id)
    assert loan is not None  # a claim names its loan
    names = enterprise_service.names(session, codes=[loan.uscc])
    return ClaimRow(found, loan, names.get(loan.uscc))


def claimable(session: Session, *, lender_code: str) -> list[Claimable]:
    """The bank's covered defaulted loans with no claim yet, each with its last claim day."""
    lines = bank_queries.unclaimed_defaults(session, lender_code=lender_code)
    names = enterprise_service.names(session, codes=[loan.uscc for _, loan in lines])
    return [
        Claimable(loan, names.get(loan.uscc), _last_day(session, decided, loan))
        for decided, loan in lines
    ]


def claimable_loan(session: Session, *, loan: Loan) -> Claimable | None:
    """``loan`` as a claimable one (covered, defaulted, unclaimed), or None."""
    return next(
        (c for c in claimable(session, lender_code=loan.lender_code) if c.loan.id == loan.id),
        None,
    )


def _last_day(session: Session, decided: FundCover, loan: Loan) -> date:
    assert decided.agreement_id is not None and loan.defaulted_on is not None
    terms = repository.agreement(session, decided.agreement_id)
    assert terms is not None  # a cover names the agreement it was made under
    return claims.last_claim_day(defaulted_on=loan.defaulted_on, agreement=terms)


def _allocation_left(session: Session, lender_code: str) -> int:
    try:
        return ledger.balance(session, chart.allocation(lender_code)).debit_balance_fen
    except AccountNotFound:
        return 0


def cover_row(session: Session, *, decided: FundCover) -> CoverRow:
    """One decision as the bank reads it, with its loan, enterprise and agreement version."""
    loan = loan_repository.get(session, decided.loan_id)
    assert loan is not None  # a decision names its loan
    terms = repository.agreement(session, decided.agreement_id) if decided.agreement_id else None
    names = enterprise_service.names(session, codes=[loan.uscc])
    return CoverRow(decided, loan, names.get(loan.uscc), terms.version if terms else None)


def loan_cover(session: Session, *, loan: Loan) -> FundCover | None:
    """The fund's decision on ``loan``, if it made one."""
    assert loan.id is not None
    return repository.cover_of(session, loan.id)
