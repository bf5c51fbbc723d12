"""Cooperation agreements (合作协议): each bank's terms with the fund, version after version.

Signing a version sets the bank's allocation: the difference from the previous version moves
between the fund's unallocated money and the bank's allocation account in the same
transaction, so the ledger always holds what the agreements say. The allocation grows only from
money the fund has, and shrinks only by what is left of it.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import to_local, utcnow
from lenders.fund import chart, position, repository
from lenders.fund.exceptions import (
    AllocationExceedsFund,
    AllocationInUse,
    InvalidTerms,
    NoAgreement,
)
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import LimitExceeded
from lenders.fund.ledger.service import Posting
from lenders.fund.models import CooperationAgreement
from lenders.fund.schemas import AgreementTerms
from lenders.institutions import service as lender_service
from lenders.products import repository as product_repository


def sign(
    session: Session, *, lender_code: str, terms: AgreementTerms, actor: Actor
) -> CooperationAgreement:
    """A new version of the bank's agreement, in force from ``terms.effective_from`` (audited)."""
    lender = lender_service.get_by_code(session, code=lender_code)
    previous = repository.latest_agreement(session, lender_code, for_update=True)
    today = to_local(utcnow()).date()
    if previous is not None and terms.effective_from < previous.effective_from:
        raise InvalidTerms(
            f"a new version starts on or after {previous.effective_from}, the current one's start"
        )
    if terms.effective_from < today and previous is not None:
        raise InvalidTerms("a new version cannot start in the past")
    for product_id in terms.eligible_product_ids:
        product = product_repository.product(session, product_id)
        if product is None or product.lender_id != lender.id or not product.fund_eligible:
            raise InvalidTerms(f"product {product_id} is not a fund-eligible product of the bank")
    version = (previous.version if previous else 0) + 1
    agreement = CooperationAgreement(
        lender_code=lender_code,
        version=version,
        effective_from=terms.effective_from,
        expires_on=terms.expires_on,
        compensation_ratio_bp=terms.compensation_ratio_bp,
        leverage=terms.leverage,
        allocation_fen=terms.allocation_fen,
        enterprise_cap_fen=terms.enterprise_cap_fen,
        eligible_product_ids=list(terms.eligible_product_ids),
        claim_window_days=terms.claim_window_days,
        premium_rate_bp=terms.premium_rate_bp,
        premium_match_bp=terms.premium_match_bp,
        period_cap_bp=terms.period_cap_bp,
        payout_premium_multiple=terms.payout_premium_multiple,
        claimable_from=terms.claimable_from,
        recovery_notice_days=terms.recovery_notice_days,
        suspension_npl_bp=terms.suspension_npl_bp,
        reinstatement_npl_bp=terms.reinstatement_npl_bp,
        second_approval_above_fen=terms.second_approval_above_fen,
        signed_by=actor.ref,
    )
    session.add(agreement)
    session.flush()
    _move_allocation(
        session,
        lender_code=lender_code,
        change_fen=terms.allocation_fen - (previous.allocation_fen if previous else 0),
        version=version,
        actor=actor,
        premium=terms.premium_rate_bp is not None,
    )
    audit_service.record(
        session,
        actor=actor,
        action="fund.agreement.sign",
        subject_type="fund_agreement",
        subject_id=agreement.id or 0,
        detail={
            "lender_code": lender_code,
            "version": version,
            "allocation_fen": terms.allocation_fen,
            "enterprise_cap_fen": terms.enterprise_cap_fen,
            "second_approval_above_fen": terms.second_approval_above_fen,
            "terms": terms.model_dump(
                mode="json",
                exclude={"allocation_yuan", "enterprise_cap_yuan", "second_approval_above_yuan"},
            ),
        },
    )
    return agreement


def in_force(session: Session, *, lender_code: str, on: date) -> CooperationAgreement:
    """The version whose terms govern ``on``, a city calendar day; NoAgreement if none does."""
    found = repository.agreement_on(session, lender_code, on)
    if found is None or has_expired(found, on=on):
        raise NoAgreement(f"lender {lender_code} has no fund agreement in force on {on}")
    return found


def has_expired(agreement: CooperationAgreement, *, on: date) -> bool:
    """Whether ``on`` (a city calendar day) is after the agreement's last day of cover."""
    return agreement.expires_on is not None and agreement.expires_on < on


def governing(versions: list[CooperationAgreement], *, on: date) -> CooperationAgreement | None:
    """Of one bank's versions, the one whose terms govern ``on``, as ``in_force`` picks it
    from the database (the newest started, unless it has expired)."""
    started = [v for v in versions if v.effective_from <= on]
    newest = max(started, key=lambda v: v.version, default=None)
    return None if newest is None or has_expired(newest, on=on) else newest


def history(session: Session, *, lender_code: str) -> list[CooperationAgreement]:
    return repository.agreements(session, lender_code)


def _move_allocation(
    session: Session,
    *,
    lender_code: str,
    change_fen: int,
    version: int,
    actor: Actor,
    premium: bool = False,
) -> None:
    chart.open_unallocated(session)
    chart.open_allocation(session, lender_code)
    position.open_position(session, lender_code)  # before any cover: a row to lock, not race for
    chart.open_claim_accounts(session, lender_code)  # so that an approval needs no opening
    if premium:
        chart.open_premiums(session, lender_code)
    if change_fen == 0:
        return
    grows = change_fen > 0
    journal = f"agreement:{lender_code}:v{version}"
    posting = Posting(
        key=journal,
        debit=chart.allocation(lender_code) if grows else chart.UNALLOCATED,
        credit=chart.UNALLOCATED if grows else chart.allocation(lender_code),
        amount_fen=abs(change_fen),
        kind="allocation" if grows else "allocation_release",
        reference=f"agreement:{lender_code}:{version}",
    )
    try:
        ledger.post(session, journal=journal, postings=[posting], actor=actor.ref)
    except LimitExceeded as refused:
        if grows:
            raise AllocationExceedsFund(
                f"the fund has not {abs(change_fen)} fen unallocated for {lender_code}"
            ) from refused
        raise AllocationInUse(
            f"{lender_code}'s allocation has not {abs(change_fen)} fen left to release"
        ) from refused
