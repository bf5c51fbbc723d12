"""Payout caps: payouts cut to a multiple of the premiums the bank paid (the claim says which
bound set its amount), and refused above the calendar year's compensation-rate cap."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from app.audit.service import SystemActor
from lenders.fund import capital, claims, payout_caps, premiums, repository
from lenders.fund.exceptions import PeriodCapExceeded, PremiumMultipleReached
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.models import AmountBound, ClaimStatus, CooperationAgreement, FundClaim
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import servicing
from lenders.loans.schemas import DefaultCreate
from tests.clock import CityClock
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, disburse, sign
from tests.lenders.loans.helpers import BANK, days_ago

REVIEWER, APPROVER, SECOND = (SystemActor(n) for n in ("reviewer", "approver", "second"))


def bank_with(db: Session, **terms: Any) -> Lender:
    """Allocation 1,000,000 yuan × 10 from a fund of 5 million, with ``terms``; never
    suspended, so that loans disbursed after a default are covered too."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="5000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    never = {"suspension_npl_bp": 10_000, "reinstatement_npl_bp": 9_999}
    sign(db, lender, allocation_yuan="1000000", **never, **terms)
    return lender


def reviewed_claim(db: Session, bank: Lender, *, lost_yuan: str) -> FundClaim:
    """A loan of 400,000 disbursed today (so in this calendar year), defaulted today with
    ``lost_yuan`` outstanding, claimed and reviewed."""
    today = days_ago(0).isoformat()
    loan = disburse(db, bank, yuan="400000.00", disbursed_on=today)
    data = DefaultCreate.model_validate({"defaulted_on": today, "outstanding_yuan": lost_yuan})
    servicing.declare_default(db, loan=loan, data=data, actor=BANK)
    assert loan.id is not None
    claim = claims.file(db, loan_id=loan.id, lender_code=bank.code, actor=BANK, today=days_ago(0))
    assert claim.id is not None
    return claims.review(db, claim_id=claim.id, actor=REVIEWER)


def approve(db: Session, claim: FundClaim, actor: SystemActor = APPROVER, **more: Any) -> FundClaim:
    assert claim.id is not None
    return claims.approve(db, claim_id=claim.id, actor=actor, **more)


def test_payouts_are_cut_to_the_premium_multiple_then_refused(
    city_clock: CityClock, db: Session
) -> None:
    bank = bank_with(db, premium_rate_bp=200, payout_premium_multiple=5)
    first = reviewed_claim(db, bank, lost_yuan="400000")
    second = reviewed_claim(db, bank, lost_yuan="400000")
    third = reviewed_claim(db, bank, lost_yuan="100000")
    assert premiums.collected_fen(db, lender_code=bank.code) == 3 * 800_000  # 2 % of 400,000
    paid = approve(db, first)  # 40 % of 400,000 = 160,000, beyond 5 × 24,000 = 120,000
    assert paid.amount_fen == 12_000_000 and paid.amount_bound is AmountBound.PREMIUM_MULTIPLE
    with pytest.raises(PremiumMultipleReached), db.begin_nested():
        approve(db, second)
    assert second.status is ClaimStatus.REVIEWED and second.amount_fen is None
    # More premiums make room again: two more loans pay 16,000, so 80,000 of room.
    for _ in range(2):
        disburse(db, bank, yuan="400000.00", disbursed_on=days_ago(0).isoformat())
    assert approve(db, third).amount_fen == 4_000_000  # 40 % of 100,000 fits: bound by ratio
    assert third.amount_bound is AmountBound.RATIO
    assert payout_caps.premium_room_fen(db, agreement=_terms(db, third)) == 4_000_000  # left
    assert reconcile(db).ok


def test_without_caps_the_ratio_sets_the_payout(city_clock: CityClock, db: Session) -> None:
    bank = bank_with(db)
    claim = approve(db, reviewed_claim(db, bank, lost_yuan="400000"))
    assert claim.amount_fen == 16_000_000 and claim.amount_bound is AmountBound.RATIO
    assert claim.approved_on == days_ago(0)
    assert payout_caps.premium_room_fen(db, agreement=_terms(db, claim)) is None


def test_the_year_s_payouts_stay_within_the_period_cap(city_clock: CityClock, db: Session) -> None:
    bank = bank_with(db, period_cap_bp=250)  # 2.5 % of covered principal disbursed this year
    claimed = [reviewed_claim(db, bank, lost_yuan="100000") for _ in range(2)]
    for _ in range(3):  # 5 loans of 400,000 this year: the cap is 50,000
        disburse(db, bank, yuan="400000.00", disbursed_on=days_ago(0).isoformat())
    assert approve(db, claimed[0]).amount_fen == 4_000_000
    allocation = ledger.balance(db, f"allocation:{bank.code}").debit_balance_fen
    with pytest.raises(PeriodCapExceeded, match=r"代偿率上限 2\.5%"), db.begin_nested():
        approve(db, claimed[1])  # 40,000 + 40,000 > 50,000
    assert claimed[1].status is ClaimStatus.REVIEWED
    assert ledger.balance(db, f"allocation:{bank.code}").debit_balance_fen == allocation
    # The period is the calendar year of approval: next year's base is next year's loans.
    next_year = date(days_ago(0).year + 1, 1, 2)
    with pytest.raises(PeriodCapExceeded, match=f"{next_year.year} 年"), db.begin_nested():
        approve(db, claimed[1], today=next_year)


def test_the_cap_is_checked_again_at_the_second_approval(
    city_clock: CityClock, db: Session
) -> None:
    bank = bank_with(db, period_cap_bp=1_000, second_approval_above_yuan="50000")
    big = reviewed_claim(db, bank, lost_yuan="200000")  # 80,000: needs a second approver
    small = reviewed_claim(db, bank, lost_yuan="50000")  # 20,000; the cap is 10 % of 800,000
    assert approve(db, big).status is ClaimStatus.AWAITING_SECOND_APPROVAL
    assert approve(db, small).status is ClaimStatus.APPROVED
    with pytest.raises(PeriodCapExceeded), db.begin_nested():
        approve(db, big, SECOND)  # 20,000 + 80,000 > 80,000
    assert big.status is ClaimStatus.AWAITING_SECOND_APPROVAL and big.second_approved_by is None
    assert claims.reject(db, claim_id=big.id or 0, reason="超过年度代偿率上限", actor=SECOND)


def _terms(db: Session, claim: FundClaim) -> CooperationAgreement:
    found = repository.agreement(db, claim.agreement_id)
    assert found is not None
    return found
