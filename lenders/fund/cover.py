"""Cover at disbursement (覆盖): the fund decides at once, in the loan's own transaction.

A loan is covered when the bank's agreement is in force on the disbursement day, the bank is
not suspended, the product is eligible, and the new principal fits both the enterprise's cap
and the bank's leverage headroom: covered outstanding ≤ leverage × what is left of the bank's
allocation. Otherwise it is refused with the first reason that applies, in that order. A
covered loan then pays the agreement's premium, if any, into the allocation (``premiums.py``).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import SystemActor
from lenders.fund import agreements, chart, premiums, repository, suspension
from lenders.fund.exceptions import NoAgreement
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import AccountNotFound
from lenders.fund.models import CooperationAgreement, CoverRefusal, FundCover
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
    """The fund's decision on a loan just disbursed on ``on``; deciding again returns it."""
    known = repository.cover_of(session, loan_id)
    if known is not None:
        return known
    repository.lock_agreement_holder(session, lender_code)
    agreement, refusal = judge(
        session,
        lender_code=lender_code,
        uscc=uscc,
        product_id=product_id,
        principal_fen=principal_fen,
        on=on,
    )
    cover = FundCover(
        loan_id=loan_id,
        lender_code=lender_code,
        uscc=uscc,
        agreement_id=agreement.id if agreement else None,
        covered=refusal is None,
        refusal=refusal,
        principal_fen=principal_fen,
    )
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
    return cover


def headroom_fen(session: Session, *, agreement: CooperationAgreement) -> int:
    """How much more principal the bank's agreement can cover now."""
    try:
        left = ledger.balance(session, chart.allocation(agreement.lender_code)).debit_balance_fen
    except AccountNotFound:
        left = 0
    used = repository.covered_outstanding(session, lender_code=agreement.lender_code)
    return leverage_headroom_fen(leverage=agreement.leverage, left_fen=left, covered_fen=used)


def leverage_headroom_fen(*, leverage: int, left_fen: int, covered_fen: int) -> int:
    """The rule itself: covered outstanding may reach ``leverage`` × the allocation left."""
    return max(0, leverage * left_fen - covered_fen)


def judge(
    session: Session,
    *,
    lender_code: str,
    uscc: str,
    product_id: int,
    principal_fen: int,
    on: date,
) -> tuple[CooperationAgreement | None, CoverRefusal | None]:
    """The agreement that governs ``on`` and the first reason to refuse ``principal_fen`` of
    cover (None: covered). The caller holds the bank's lock (``lock_agreement_holder``): at
    disbursement the principal lent, at registration what is still owed."""
    try:
        agreement = agreements.in_force(session, lender_code=lender_code, on=on)
    except NoAgreement:
        started = repository.agreement_on(session, lender_code, on)
        return started, (
            CoverRefusal.NO_AGREEMENT if started is None else CoverRefusal.AGREEMENT_EXPIRED
        )
    if suspension.is_suspended(session, lender_code):
        return agreement, CoverRefusal.BANK_SUSPENDED
    product = product_repository.product(session, product_id)
    listed = not agreement.eligible_product_ids or product_id in agreement.eligible_product_ids
    if product is None or not product.fund_eligible or not listed:
        return agreement, CoverRefusal.PRODUCT_NOT_ELIGIBLE
    held = repository.covered_outstanding(session, uscc=uscc)
    if held + principal_fen > agreement.enterprise_cap_fen:
        return agreement, CoverRefusal.ENTERPRISE_CAP
    if principal_fen > headroom_fen(session, agreement=agreement):
        return agreement, CoverRefusal.LEVERAGE_HEADROOM
    return agreement, None
