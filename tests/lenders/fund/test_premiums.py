"""Premiums: a covered loan pays principal × rate into the bank's allocation, once, in the
cover's own transaction, and the programme matches it from unallocated money if it can."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from app.core import events
from lenders.fund import agreements, capital, cover, premiums
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import LimitExceeded
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.ledger.service import Posting
from lenders.fund.models import CooperationAgreement, CoverRefusal
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans.events import LoanDisbursed
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, decision, disburse, sign
from tests.lenders.loans.helpers import days_ago


def bank_with(db: Session, fund_yuan: str = "1000000", **terms: Any) -> Lender:
    capital.contribute(db, data=ContributionCreate(amount_yuan=fund_yuan), key="k", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender, **terms)
    return lender


def allocation(db: Session, bank: Lender) -> int:
    return ledger.balance(db, f"allocation:{bank.code}").debit_balance_fen


def test_a_covered_loan_pays_its_premium_into_the_allocation(db: Session) -> None:
    bank = bank_with(db, premium_rate_bp=300)  # 3 %
    made = decision(db, disburse(db, bank, yuan="123456.78"))
    assert made.covered and made.premium_fen == 370_370  # 3 % of 12,345,678 fen, rounded down
    assert allocation(db, bank) == 10_000_000 + 370_370
    assert premiums.collected_fen(db, lender_code=bank.code) == 370_370
    transfer = ledger.repository.transfer(db, f"cover:{made.loan_id}:premium")
    assert transfer is not None and transfer.kind == "premium"
    assert reconcile(db).ok


def test_a_refused_loan_pays_nothing_and_no_rate_charges_nothing(db: Session) -> None:
    bank = bank_with(db, premium_rate_bp=300)
    refused = decision(db, disburse(db, bank, eligible=False))
    assert refused.refusal is CoverRefusal.PRODUCT_NOT_ELIGIBLE and refused.premium_fen == 0
    plain = make_lender(db)
    sign(db, plain)
    assert decision(db, disburse(db, plain)).premium_fen == 0
    assert premiums.collected_fen(db, lender_code=plain.code) == 0
    assert allocation(db, bank) == allocation(db, plain) == 10_000_000


def test_the_premium_lands_after_the_loan_is_judged(db: Session) -> None:
    """Headroom 1,000,000: a loan of exactly that is covered although its premium comes after."""
    bank = bank_with(db, premium_rate_bp=700, enterprise_cap_yuan="2000000")
    first = decision(db, disburse(db, bank, yuan="500000.00"))
    assert first.covered  # the premium of 35,000 adds 350,000 of headroom
    assert cover.headroom_fen(db, agreement=_agreement(db, bank)) == 85_000_000
    second = decision(db, disburse(db, bank, yuan="500000.00"))
    assert second.covered and allocation(db, bank) == 10_000_000 + 2 * 3_500_000


def test_replaying_the_disbursement_charges_the_premium_once(db: Session) -> None:
    bank = bank_with(db, premium_rate_bp=200)
    loan = disburse(db, bank, yuan="100000.00")
    assert loan.id is not None
    before = allocation(db, bank)
    event = LoanDisbursed(
        loan_id=loan.id,
        lender_code=bank.code,
        uscc=loan.uscc,
        product_id=loan.product_id,
        principal_fen=loan.principal_fen,
        disbursed_on=loan.disbursed_on,
    )
    events.publish(db, event)
    assert allocation(db, bank) == before == 10_000_000 + 200_000
    assert reconcile(db).entries == 3  # the contribution, the allocation, one premium


def test_the_programme_matches_the_premium_from_unallocated_money(db: Session) -> None:
    bank = bank_with(db, premium_rate_bp=500, premium_match_bp=10_000)  # matched 1:1
    made = decision(db, disburse(db, bank, yuan="200000.00"))
    assert (made.premium_fen, made.premium_match_fen) == (1_000_000, 1_000_000)
    assert allocation(db, bank) == 10_000_000 + 2_000_000
    assert capital.position(db).unallocated_fen == 90_000_000 - 1_000_000
    assert reconcile(db).ok


def test_a_thin_fund_matches_only_what_it_has_and_the_loan_is_still_covered(db: Session) -> None:
    bank = bank_with(db, fund_yuan="100005", premium_rate_bp=500, premium_match_bp=10_000)
    made = decision(db, disburse(db, bank, yuan="200000.00"))
    assert made.covered and (made.premium_fen, made.premium_match_fen) == (1_000_000, 500)
    assert capital.position(db).unallocated_fen == 0
    empty = decision(db, disburse(db, bank, yuan="100000.00"))
    assert empty.covered and (empty.premium_fen, empty.premium_match_fen) == (500_000, 0)
    assert reconcile(db).ok


def test_a_premium_reversal_cannot_take_back_more_than_was_paid(db: Session) -> None:
    bank = bank_with(db, premium_rate_bp=100)
    made = decision(db, disburse(db, bank, yuan="100000.00"))
    key = f"cover:{made.loan_id}:premium"
    ledger.reverse(db, key=key, reversal_key=f"{key}:undo", actor="test")
    assert premiums.collected_fen(db, lender_code=bank.code) == 0
    refund = Posting(
        "take-more", f"premiums:{bank.code}", f"allocation:{bank.code}", 1, "premium_refund"
    )
    with pytest.raises(LimitExceeded), db.begin_nested():
        ledger.post(db, journal="take-more", postings=[refund], actor="test")
    assert reconcile(db).ok


def _agreement(db: Session, bank: Lender) -> CooperationAgreement:
    return agreements.in_force(db, lender_code=bank.code, on=days_ago(0))
