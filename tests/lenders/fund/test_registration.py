"""Registering an earlier loan for cover: judged as at the registration day on what is still
owed, by cover's own rules; a standing decision is answered again, a closed loan refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from lenders.fund import capital, registration
from lenders.fund.exceptions import NotRegistrable
from lenders.fund.models import CoverRefusal, FundCover
from lenders.fund.registration import Registration
from lenders.fund.repository import cover_of, covered_outstanding
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.exceptions import LoanNotFound
from lenders.loans.models import Loan
from lenders.loans.schemas import DefaultCreate, RepaymentCreate
from tests.clock import CityClock
from tests.factories import make_enterprise, make_lender
from tests.lenders.fund.test_cover import OFFICE, decision, disburse, sign
from tests.lenders.loans.helpers import BANK, days_ago


@pytest.fixture
def bank(db: Session) -> Lender:
    """A bank whose loans were disbursed before it had any agreement (a fund of 1 million)."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    return make_lender(db)


def register(db: Session, bank: Lender, loan: Loan) -> Registration:
    assert loan.id is not None
    return registration.register(
        db, loan_id=loan.id, lender_code=bank.code, actor=BANK, today=today()
    )


def repay(db: Session, loan: Loan, yuan: str) -> None:
    data = RepaymentCreate.model_validate(
        {
            "period": days_ago(0).strftime("%Y-%m"),
            "paid_on": days_ago(0).isoformat(),
            "principal_yuan": yuan,
            "interest_yuan": "0",
        }
    )
    servicing.record_repayment(db, loan=loan, data=data, actor=BANK)


def audited(db: Session, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(col(AuditEvent.action) == action)))


def test_a_loan_that_pre_dates_the_agreement_is_covered_on_what_is_still_owed(
    db: Session, bank: Lender, city_clock: CityClock
) -> None:
    loan = disburse(db, bank)
    assert decision(db, loan).refusal is CoverRefusal.NO_AGREEMENT
    repay(db, loan, "150000.00")  # 250,000 yuan still owed
    sign(db, bank)
    made = register(db, bank, loan)
    assert made.decided_now and made.cover.covered and made.cover.refusal is None
    assert made.cover.principal_fen == 25_000_000 and made.cover.registered_on == today()
    assert made.cover.agreement_id is not None
    assert covered_outstanding(db, lender_code=bank.code) == 25_000_000
    (event,) = audited(db, "fund.cover_registered")
    assert event.detail["replaces_refusal"] == "no_agreement"
    assert event.detail["registered_on"] == today().isoformat()
    assert len(db.exec(select(FundCover)).all()) == 1  # the same decision, judged again


def test_registering_again_answers_the_decision_and_changes_nothing(
    db: Session, bank: Lender
) -> None:
    loan = disburse(db, bank)
    sign(db, bank)
    first = register(db, bank, loan)
    again = register(db, bank, loan)
    assert not again.decided_now and again.cover.id == first.cover.id and again.cover.covered
    assert len(audited(db, "fund.cover_registered")) == 1


def test_a_decision_made_at_disbursement_stands(db: Session, bank: Lender) -> None:
    sign(db, bank)
    covered = disburse(db, bank)
    refused = disburse(db, bank, eligible=False)
    for loan, was in ((covered, None), (refused, CoverRefusal.PRODUCT_NOT_ELIGIBLE)):
        answer = register(db, bank, loan)
        assert not answer.decided_now and answer.cover.refusal is was
        assert answer.cover.registered_on is None
    assert audited(db, "fund.cover_registered") == []


def test_registration_is_judged_by_cover_s_rules_as_at_the_day(db: Session, bank: Lender) -> None:
    firm = make_enterprise(db)
    loans = [disburse(db, bank, enterprise=firm, yuan="300000.00") for _ in range(2)]
    sign(db, bank, enterprise_cap_yuan="500000")
    assert register(db, bank, loans[0]).cover.covered
    capped = register(db, bank, loans[1])  # 300,000 + 300,000 is past the cap of 500,000
    assert capped.decided_now and capped.cover.refusal is CoverRefusal.ENTERPRISE_CAP
    assert capped.cover.registered_on == today()
    assert [e.detail["refusal"] for e in audited(db, "fund.registration_refused")] == [
        "enterprise_cap"
    ]


def test_an_agreement_that_has_lapsed_by_the_day_covers_nothing(db: Session, bank: Lender) -> None:
    loan = disburse(db, bank, disbursed_on=days_ago(60).isoformat())
    sign(db, bank, effective_from=days_ago(30), expires_on=days_ago(1))
    assert register(db, bank, loan).cover.refusal is CoverRefusal.AGREEMENT_EXPIRED


def test_still_no_agreement_leaves_the_refusal_as_it_was(db: Session, bank: Lender) -> None:
    loan = disburse(db, bank)
    before = decision(db, loan).decided_at
    answer = register(db, bank, loan)
    assert not answer.decided_now and answer.cover.refusal is CoverRefusal.NO_AGREEMENT
    assert answer.cover.decided_at == before and answer.cover.registered_on is None


def test_a_loan_without_any_decision_gets_one(db: Session, bank: Lender) -> None:
    loan = disburse(db, bank)
    found = decision(db, loan)
    db.delete(found)  # as a loan from before the fund existed
    db.flush()
    sign(db, bank)
    made = register(db, bank, loan)
    assert made.decided_now and made.cover.covered and made.cover.principal_fen == 40_000_000
    assert loan.id is not None and cover_of(db, loan.id) is not None


@pytest.mark.parametrize("closing", ["repaid", "defaulted"])
def test_a_repaid_or_defaulted_loan_is_refused_and_nothing_changes(
    db: Session, bank: Lender, closing: str
) -> None:
    loan = disburse(db, bank)
    if closing == "repaid":
        repay(db, loan, "400000.00")
    else:
        data: Any = DefaultCreate.model_validate({"defaulted_on": days_ago(2).isoformat()})
        servicing.declare_default(db, loan=loan, data=data, actor=BANK)
    sign(db, bank)
    with pytest.raises(NotRegistrable) as refused:
        register(db, bank, loan)
    assert refused.value.code == "fund_loan_not_registrable"
    assert decision(db, loan).refusal is CoverRefusal.NO_AGREEMENT
    assert audited(db, "fund.cover_registered") == []


def test_another_bank_s_loan_is_not_found(db: Session, bank: Lender) -> None:
    loan = disburse(db, bank)
    other = make_lender(db)
    sign(db, other)
    with pytest.raises(LoanNotFound):
        register(db, other, loan)
    assert decision(db, loan).refusal is CoverRefusal.NO_AGREEMENT
