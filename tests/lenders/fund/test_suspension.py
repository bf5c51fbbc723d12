"""Suspension: above the NPL line a bank's new loans are refused cover, existing cover stays;
below the reinstatement line cover resumes; every crossing is kept and told to the bank."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from app.core import events
from app.outbox.models import OutboxEvent
from lenders.fund import capital, repository, suspension
from lenders.fund.handlers import recheck_the_bank_s_npl
from lenders.fund.models import CoverRefusal
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import servicing
from lenders.loans.events import LoanStatusChanged
from lenders.loans.models import Loan
from lenders.loans.schemas import DefaultCreate, DelinquencyCreate, RecoveryCreate
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, decision, disburse, sign
from tests.lenders.loans.helpers import BANK, days_ago


@pytest.fixture
def bank(db: Session) -> Lender:
    """Allocation 1,000,000 yuan × 10; suspended above 5 %, reinstated below 3 %."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="5000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender, allocation_yuan="1000000", enterprise_cap_yuan="5000000")
    return lender


def default(db: Session, loan: Loan) -> None:
    data = DefaultCreate.model_validate({"defaulted_on": days_ago(1).isoformat()})
    servicing.declare_default(db, loan=loan, data=data, actor=BANK)


def current(db: Session, loan: Loan) -> None:
    """The bank reports the loan no longer past due."""
    report = DelinquencyCreate.model_validate(
        {"as_of": days_ago(0).isoformat(), "days_past_due": 0}
    )
    servicing.report_delinquency(db, loan=loan, data=report, actor=BANK)


def past_due(db: Session, loan: Loan, days: int) -> None:
    """The loan is ``days`` past due. The test city's loans are 60 days old, too young for
    more than 90 through the bank's report, so the standing is set and its event published."""
    assert loan.id is not None
    loan.days_past_due = days
    db.add(loan)
    db.flush()
    events.publish(
        db, LoanStatusChanged(loan_id=loan.id, lender_code=loan.lender_code, status="overdue")
    )


def recover(db: Session, loan: Loan, yuan: str) -> None:
    data = RecoveryCreate.model_validate(
        {"recovered_on": days_ago(0).isoformat(), "amount_yuan": yuan}
    )
    servicing.record_recovery(db, loan=loan, data=data, actor=BANK)


def topics(db: Session) -> list[str]:
    # in the order they were written: without ORDER BY, PostgreSQL may return an updated row last
    rows = db.exec(
        select(OutboxEvent)
        .where(col(OutboxEvent.topic).startswith("fund.cover_"))
        .order_by(col(OutboxEvent.id))
    )
    return [row.topic for row in rows]


def test_the_fund_rechecks_on_every_change_of_standing() -> None:
    assert recheck_the_bank_s_npl in events.subscribers()[LoanStatusChanged]


def test_a_bank_above_its_line_is_suspended_then_reinstated(db: Session, bank: Lender) -> None:
    loans = [disburse(db, bank, yuan="400000.00") for _ in range(5)]  # 2,000,000 covered
    default(db, loans[0])  # 400,000 of 2,000,000 bad: 20 % > 5 %
    assert suspension.npl_bp(db, bank.code) == 2_000
    assert suspension.is_suspended(db, bank.code)
    refused = decision(db, disburse(db, bank, yuan="100000.00"))
    assert refused.refusal is CoverRefusal.BANK_SUSPENDED
    assert all(decision(db, loan).covered for loan in loans)  # existing cover stays
    # A suspended bank gets no new covered money to dilute the ratio: it mends by its loans.
    recover(db, loans[0], "350000")  # 50,000 of 1,650,000 still owed is bad: 3.03 %, not < 3 %
    assert suspension.npl_bp(db, bank.code) == 303 and suspension.is_suspended(db, bank.code)
    recover(db, loans[0], "10000")  # 40,000 of 1,640,000: 2.43 %
    assert not suspension.is_suspended(db, bank.code)
    assert decision(db, disburse(db, bank, yuan="100000.00")).covered
    history = repository.suspensions(db, bank.code)
    assert len(history) == 1 and history[0].npl_bp == 2_000 and history[0].reinstated_npl_bp == 243
    assert topics(db) == ["fund.cover_suspended", "fund.cover_reinstated"]


def test_between_the_lines_nothing_changes(db: Session, bank: Lender) -> None:
    loans = [disburse(db, bank, yuan="400000.00") for _ in range(20)]  # 8,000,000 covered
    default(db, loans[0])  # 5 % exactly: not above the line
    assert suspension.npl_bp(db, bank.code) == 500
    assert not suspension.is_suspended(db, bank.code)
    past_due(db, loans[1], 91)  # more than 90 days past due is non-performing: 10 % now
    assert suspension.npl_bp(db, bank.code) == 1_000 and suspension.is_suspended(db, bank.code)
    past_due(db, loans[1], 30)  # back to 5 %
    assert suspension.is_suspended(db, bank.code)  # 5 % is not below 3 %
    assert topics(db) == ["fund.cover_suspended"]


def test_loans_the_fund_does_not_cover_do_not_count(db: Session, bank: Lender) -> None:
    covered = disburse(db, bank, yuan="400000.00")
    plain = disburse(db, bank, yuan="400000.00", eligible=False)
    default(db, plain)
    assert suspension.npl_bp(db, bank.code) == 0 and not suspension.is_suspended(db, bank.code)
    assert decision(db, covered).covered
