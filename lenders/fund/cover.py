"""Cover at disbursement (覆盖): the fund decides at once, in the loan's own transaction.

A loan is covered when the bank's agreement is in force on the disbursement day, the bank is
not suspended, the product is eligible, and the new principal fits both the enterprise's cap
and the bank's leverage headroom: covered outstanding ≤ leverage × what is left of the bank's
allocation. Otherwise it is refused with the first reason that applies, in that order. A
covered loan then pays the agreement's premium, if any, into the allocation (``premiums.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import SystemActor
from app.core.clock import to_local, utcnow
from lenders.fund import agreements, chart, position, premiums, repository, suspension
from lenders.fund.exceptions import NoAgreement
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import AccountNotFound
from lenders.fund.models import CooperationAgreement, CoverRefusal, FundCover, FundPosition
from lenders.loans import repository as loan_repository
from lenders.products import repository as product_repository

FUND = SystemActor("fund")


def decide(
    session: Session,
    *,
    loan_id: int,
    lender_code: str,
    uscc: str,
    product_id: int,
    principal_fen: int,
    on: date,
) -> FundCover:
    """The fund's decision on a loan just disbursed on ``on``, then the bank's NPL recheck;
    deciding again returns the first decision (and rechecks)."""
    known = repository.cover_of(session, loan_id)
    if known is not None:
        # The event again: the decision stands, and the bank is rechecked as at any event
        # (terms signed since may have moved its lines).
        suspension.recheck(session, lender_code=lender_code, actor=FUND)
        return known
    latest = repository.lock_agreement_holder(session, lender_code)
    judged = _judge(
        session,
        lender_code=lender_code,
        uscc=uscc,
        product_id=product_id,
        principal_fen=principal_fen,
        on=on,
        latest=latest,
    )
    agreement, refusal = judged.agreement, judged.refusal
    cover = FundCover(
        loan_id=loan_id,
        lender_code=lender_code,
        uscc=uscc,
        agreement_id=agreement.id if agreement else None,
        covered=refusal is None,
        refusal=refusal,
        principal_fen=principal_fen,
    )
    if judged.held is not None and agreement is not None and cover.covered:
        # Every figure set before the one INSERT: the premium due, what the cover counts.
        cover.premium_fen = premiums.premium_fen(principal_fen=principal_fen, agreement=agreement)
        loan = loan_repository.loaded(session, loan_id)
        assert loan is not None  # LoanDisbursed: the loan row exists in the session
        position.count_cover(session, cover=cover, loan=loan, held=judged.held)
    session.add(cover)
    session.flush()
    if agreement is not None:
        premiums.charge(session, cover=cover, agreement=agreement, actor=FUND.ref)
    audit_service.record(
        session,
        actor=FUND,
        action="fund.cover" if refusal is None else "fund.cover_refused",
        subject_type="fund_cover",
        subject_id=cover.id or 0,
        detail={
            "loan_id": loan_id,
            "lender_code": lender_code,
            "principal_fen": principal_fen,
            "agreement_version": agreement.version if agreement else None,
            "refusal": refusal.value if refusal else None,
            "premium_fen": cover.premium_fen,
            "premium_match_fen": cover.premium_match_fen,
        },
    )
    # A loan covered today was judged under today's terms with the bank not suspended: its
    # cover only lowers the NPL ratio, so the recheck needs nothing more from the database
    # unless the ratio is above the line all the same (new terms may have lowered it).
    covered_today = cover.covered and on == to_local(utcnow()).date()
    suspension.recheck(
        session,
        lender_code=lender_code,
        actor=FUND,
        terms=agreement if covered_today else None,
        found_open=not covered_today,
        held=judged.held,
    )
    return cover


def headroom_fen(session: Session, *, agreement: CooperationAgreement) -> int:
    """How much more principal the bank's agreement can cover now."""
    left = _allocation_left_fen(session, agreement.lender_code)
    used = position.figures(session, agreement.lender_code).covered_outstanding_fen
    return leverage_headroom_fen(leverage=agreement.leverage, left_fen=left, covered_fen=used)


def leverage_headroom_fen(*, leverage: int, left_fen: int, covered_fen: int) -> int:
    """The rule itself: covered outstanding may reach ``leverage`` × the allocation left."""
    return max(0, leverage * left_fen - covered_fen)


@dataclass(frozen=True)
class Judged:
    agreement: CooperationAgreement | None
    refusal: CoverRefusal | None
    held: FundPosition | None  # the bank's position, locked, once the judging reached it


def judge(
    session: Session,
    *,
    lender_code: str,
    uscc: str,
    product_id: int,
    principal_fen: int,
    on: date,
    latest: CooperationAgreement | None = None,
) -> tuple[CooperationAgreement | None, CoverRefusal | None]:
    """The agreement that governs ``on`` and the first reason to refuse ``principal_fen`` of
    cover (None: covered). The caller holds the bank's lock (``lock_agreement_holder``, whose
    row is ``latest``): at disbursement the principal lent, at registration what is still
    owed."""
    judged = _judge(
        session,
        lender_code=lender_code,
        uscc=uscc,
        product_id=product_id,
        principal_fen=principal_fen,
        on=on,
        latest=latest,
    )
    return judged.agreement, judged.refusal


def _judge(
    session: Session,
    *,
    lender_code: str,
    uscc: str,
    product_id: int,
    principal_fen: int,
    on: date,
    latest: CooperationAgreement | None,
) -> Judged:
    try:
        agreement = _in_force(session, lender_code=lender_code, on=on, latest=latest)
    except NoAgreement:
        started = repository.agreement_on(session, lender_code, on)
        refusal = CoverRefusal.NO_AGREEMENT if started is None else CoverRefusal.AGREEMENT_EXPIRED
        return Judged(started, refusal, None)
    if suspension.is_suspended(session, lender_code):
        return Judged(agreement, CoverRefusal.BANK_SUSPENDED, None)
    product = product_repository.product(session, product_id)
    listed = not agreement.eligible_product_ids or product_id in agreement.eligible_product_ids
    if product is None or not product.fund_eligible or not listed:
        return Judged(agreement, CoverRefusal.PRODUCT_NOT_ELIGIBLE, None)
    held = position.enterprise_owed_fen(session, uscc)
    if held + principal_fen > agreement.enterprise_cap_fen:
        return Judged(agreement, CoverRefusal.ENTERPRISE_CAP, None)
    # The bank's position is locked as it is read: the headroom is read and used in one step
    # even beside a repayment or default of another of its loans.
    bank = position.locked(session, lender_code)
    room = leverage_headroom_fen(
        leverage=agreement.leverage,
        left_fen=_allocation_left_fen(session, lender_code),
        covered_fen=bank.covered_outstanding_fen,
    )
    if principal_fen > room:
        return Judged(agreement, CoverRefusal.LEVERAGE_HEADROOM, bank)
    return Judged(agreement, None, bank)


def _allocation_left_fen(session: Session, lender_code: str) -> int:
    try:
        return ledger.balance(session, chart.allocation(lender_code)).debit_balance_fen
    except AccountNotFound:
        return 0


def _in_force(
    session: Session, *, lender_code: str, on: date, latest: CooperationAgreement | None
) -> CooperationAgreement:
    """``agreements.in_force``, read from the newest version the caller holds locked when that
    one had started by ``on`` (it is then the one in force, or none is)."""
    if latest is None or latest.effective_from > on:
        return agreements.in_force(session, lender_code=lender_code, on=on)
    if agreements.has_expired(latest, on=on):
        raise NoAgreement(f"lender {lender_code} has no fund agreement in force on {on}")
    return latest
