"""Claims: filed on a covered defaulted loan within its window, reviewed and approved by
different people, a second approver above the threshold, money set aside then paid."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core import events
from app.outbox.models import OutboxEvent
from lenders.fund import capital, claims
from lenders.fund.exceptions import (
    ClaimStep,
    FundExhausted,
    NotClaimable,
    RiskClassNotClaimable,
    SameHands,
)
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.models import ClaimStatus, FundClaim, RiskClass
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import servicing
from lenders.loans.events import LoanRecovered
from lenders.loans.models import Loan, LoanRecovery
from lenders.loans.schemas import DefaultCreate, DelinquencyCreate, RecoveryCreate
from tests.clock import CityClock
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, disburse, sign
from tests.lenders.loans.helpers import BANK, days_ago

REVIEWER, APPROVER, SECOND = (SystemActor(n) for n in ("reviewer", "approver", "second"))
TODAY = days_ago(0)


@pytest.fixture
def bank(db: Session) -> Lender:
    """Allocation 100,000 yuan, leverage 10, fund share 40 %, two approvers above 100,000."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender, second_approval_above_yuan="100000")
    return lender


def defaulted(db: Session, bank: Lender, *, yuan: str = "400000.00", **default: Any) -> Loan:
    loan = disburse(db, bank, yuan=yuan)
    data = DefaultCreate.model_validate({"defaulted_on": days_ago(2).isoformat(), **default})
    return servicing.declare_default(db, loan=loan, data=data, actor=BANK)


def file(db: Session, bank: Lender, loan: Loan, today: Any = TODAY) -> FundClaim:
    assert loan.id is not None
    return claims.file(db, loan_id=loan.id, lender_code=bank.code, actor=BANK, today=today)


def topics(db: Session) -> list[str]:
    rows = db.exec(  # in the order written: PostgreSQL may return an updated row last
        select(OutboxEvent)
        .where(col(OutboxEvent.topic).startswith("fund.claim."))
        .order_by(col(OutboxEvent.id))
    )
    return [row.topic for row in rows]


def test_a_claim_walks_to_payment_and_the_ledger_follows(db: Session, bank: Lender) -> None:
    claim = file(db, bank, defaulted(db, bank, outstanding_yuan="200000"))
    assert claim.status is ClaimStatus.FILED and claim.unpaid_principal_fen == 20_000_000
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    approved = claims.approve(db, claim_id=claim.id, actor=APPROVER)
    assert approved.status is ClaimStatus.APPROVED and approved.amount_fen == 8_000_000  # 40 %
    assert ledger.balance(db, f"allocation:{bank.code}").debit_balance_fen == 2_000_000
    assert ledger.balance(db, f"claims_reserved:{bank.code}").debit_balance_fen == 8_000_000
    paid = claims.pay(db, claim_id=claim.id, actor=APPROVER)
    assert paid.status is ClaimStatus.PAID
    assert ledger.balance(db, f"payouts:{bank.code}").debit_balance_fen == 8_000_000
    assert ledger.balance(db, f"claims_reserved:{bank.code}").debit_balance_fen == 0
    with pytest.raises(ClaimStep):
        claims.pay(db, claim_id=claim.id, actor=APPROVER)
    assert topics(db) == [f"fund.claim.{s}" for s in ("filed", "reviewed", "approved", "paid")]
    assert reconcile(db).ok


def test_the_reviewer_cannot_approve_and_big_payouts_need_a_third_person(
    db: Session, bank: Lender
) -> None:
    claim = file(db, bank, defaulted(db, bank))  # 400,000 lost: a payout of 160,000
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    with pytest.raises(SameHands):
        claims.approve(db, claim_id=claim.id, actor=REVIEWER)
    first = claims.approve(db, claim_id=claim.id, actor=APPROVER)
    assert first.status is ClaimStatus.AWAITING_SECOND_APPROVAL and first.amount_fen == 16_000_000
    assert ledger.balance(db, f"allocation:{bank.code}").debit_balance_fen == 10_000_000
    for same in (REVIEWER, APPROVER):
        with pytest.raises(SameHands):
            claims.approve(db, claim_id=claim.id, actor=same)
    with pytest.raises(FundExhausted):  # 160,000 asked of an allocation of 100,000
        claims.approve(db, claim_id=claim.id, actor=SECOND)


def test_a_second_approval_sets_the_money_aside(db: Session) -> None:
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender, allocation_yuan="500000", second_approval_above_yuan="100000")
    claim = file(db, lender, defaulted(db, lender))
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    claims.approve(db, claim_id=claim.id, actor=APPROVER)
    done = claims.approve(db, claim_id=claim.id, actor=SECOND)
    assert done.status is ClaimStatus.APPROVED and done.second_approved_by == "second"
    assert ledger.balance(db, f"claims_reserved:{lender.code}").debit_balance_fen == 16_000_000


def test_a_rejected_claim_keeps_its_reason_and_moves_no_money(db: Session, bank: Lender) -> None:
    claim = file(db, bank, defaulted(db, bank))
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    rejected = claims.reject(db, claim_id=claim.id, reason="材料不全", actor=APPROVER)
    assert rejected.status is ClaimStatus.REJECTED and rejected.rejection_reason == "材料不全"
    with pytest.raises(ClaimStep):
        claims.approve(db, claim_id=claim.id, actor=SECOND)
    with pytest.raises(ClaimStep):
        claims.reject(db, claim_id=claim.id, reason="再次", actor=SECOND)
    assert ledger.balance(db, f"allocation:{bank.code}").debit_balance_fen == 10_000_000


def test_only_a_covered_defaulted_loan_is_claimed_once_within_its_window(
    db: Session, bank: Lender
) -> None:
    current = disburse(db, bank)
    with pytest.raises(NotClaimable, match="not defaulted"):
        file(db, bank, current)
    covered_default = defaulted(db, bank, yuan="400000.00")
    not_covered = disburse(db, bank, eligible=False)
    with pytest.raises(NotClaimable, match="not covered"):
        file(db, bank, not_covered)
    file(db, bank, covered_default)
    with pytest.raises(NotClaimable, match="claimed already"):
        file(db, bank, covered_default)
    other = make_lender(db)
    with pytest.raises(NotClaimable, match="not a loan of"):
        file(db, other, current)


def test_a_claim_after_the_window_is_refused(db: Session, bank: Lender) -> None:
    loan = defaulted(db, bank)
    assert loan.defaulted_on is not None
    with pytest.raises(NotClaimable, match="claim window"):
        file(db, bank, loan, today=loan.defaulted_on + timedelta(days=181))
    assert file(db, bank, loan, today=loan.defaulted_on + timedelta(days=180)).id is not None


def paid_claim(db: Session, bank: Lender, **default: Any) -> tuple[Loan, FundClaim]:
    loan = defaulted(db, bank, **default)
    claim = file(db, bank, loan)
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    claims.approve(db, claim_id=claim.id, actor=APPROVER)
    return loan, claims.pay(db, claim_id=claim.id, actor=APPROVER)


def recover(db: Session, loan: Loan, yuan: str) -> None:
    data = RecoveryCreate.model_validate({"recovered_on": TODAY.isoformat(), "amount_yuan": yuan})
    servicing.record_recovery(db, loan=loan, data=data, actor=BANK)


def test_recoveries_after_payment_return_the_fund_s_share_up_to_the_payout(
    db: Session, bank: Lender
) -> None:
    loan, claim = paid_claim(db, bank, outstanding_yuan="200000")  # payout 80,000
    allocation = f"allocation:{bank.code}"
    left = ledger.balance(db, allocation).debit_balance_fen
    recover(db, loan, "50000")
    assert claim.returned_fen == 2_000_000  # 40 % of 50,000
    assert ledger.balance(db, allocation).debit_balance_fen == left + 2_000_000
    recover(db, loan, "150000")  # 40 % is 60,000: the whole payout is back
    assert claim.returned_fen == 8_000_000 == claim.amount_fen
    assert ledger.balance(db, f"recoveries:{bank.code}").credit_balance_fen == 8_000_000
    assert topics(db)[-2:] == ["fund.claim.recovery", "fund.claim.recovery"]
    assert reconcile(db).ok


def test_recoveries_before_payment_are_the_bank_s(db: Session, bank: Lender) -> None:
    loan = defaulted(db, bank, outstanding_yuan="100000")
    claim = file(db, bank, loan)
    recover(db, loan, "10000")
    assert claim.returned_fen == 0
    assert ledger.balance(db, f"allocation:{bank.code}").debit_balance_fen == 10_000_000


def test_after_write_off_recoveries_are_the_bank_s(db: Session, bank: Lender) -> None:
    loan, claim = paid_claim(db, bank, outstanding_yuan="100000")
    assert claim.id is not None
    assert claims.write_off(db, claim_id=claim.id, actor=APPROVER).status is ClaimStatus.WRITTEN_OFF
    recover(db, loan, "10000")
    assert claim.returned_fen == 0
    with pytest.raises(ClaimStep):
        claims.write_off(db, claim_id=claim.id, actor=APPROVER)
    assert reconcile(db).ok


def test_the_claim_keeps_the_loan_s_class_and_a_better_class_is_refused(db: Session) -> None:
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    never_suspended = {"suspension_npl_bp": 10_000, "reinstatement_npl_bp": 9_999}
    sign(db, lender, claimable_from="doubtful", **never_suspended)  # 可疑 or worse only
    late = disburse(db, lender, yuan="100000.00")
    report = DelinquencyCreate.model_validate({"as_of": TODAY.isoformat(), "days_past_due": 45})
    servicing.report_delinquency(db, loan=late, data=report, actor=BANK)
    servicing.declare_default(
        db, loan=late, data=DefaultCreate(defaulted_on=days_ago(1)), actor=BANK
    )
    with pytest.raises(RiskClassNotClaimable, match="次级"), db.begin_nested():
        file(db, lender, late)  # 45 days, defaulted: 次级, better than 可疑
    assert claims_of(db) == []
    very_late = defaulted(db, lender, yuan="100000.00")
    very_late.days_past_due = 200  # beyond what a 60-day-old loan's reports allow
    db.add(very_late)
    claim = file(db, lender, very_late)
    assert (claim.risk_class, claim.days_past_due) == (RiskClass.DOUBTFUL, 200)


def test_a_defaulted_loan_with_no_days_past_due_is_claimed_as_substandard(
    db: Session, bank: Lender
) -> None:
    claim = file(db, bank, defaulted(db, bank))
    assert (claim.risk_class, claim.days_past_due) == (RiskClass.SUBSTANDARD, 0)


def test_a_recovery_told_after_the_notice_window_returns_the_share_and_is_flagged(
    city_clock: CityClock, db: Session
) -> None:
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender, recovery_notice_days=30)
    loan = defaulted(db, lender, defaulted_on=days_ago(50).isoformat(), outstanding_yuan="100000")
    claim = file(db, lender, loan)
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    claims.approve(db, claim_id=claim.id, actor=APPROVER)
    claims.pay(db, claim_id=claim.id, actor=APPROVER)
    recover_on(db, loan, "10000", days_ago(30))  # 30 days: in time
    assert (claim.returned_fen, claim.late_recoveries) == (400_000, 0)
    recover_on(db, loan, "10000", days_ago(40))  # 40 days: 10 late, still returned
    assert (claim.returned_fen, claim.late_recoveries) == (800_000, 1)
    [flagged] = db.exec(select(AuditEvent).where(AuditEvent.action == "fund.claim.recovery_late"))
    assert flagged.detail["days_late"] == 10 and flagged.detail["notice_days"] == 30
    recovery = db.exec(select(LoanRecovery).order_by(col(LoanRecovery.id).desc())).first()
    assert recovery is not None and recovery.id is not None and loan.id is not None
    replay = LoanRecovered(
        loan_id=loan.id,
        recovery_id=recovery.id,
        lender_code=lender.code,
        amount_fen=recovery.amount_fen,
        recovered_on=recovery.recovered_on,
        reported_on=days_ago(0),
    )
    events.publish(db, replay)  # told twice: counted, and flagged, once
    assert (claim.returned_fen, claim.late_recoveries) == (800_000, 1)
    assert reconcile(db).ok


def test_without_a_notice_window_no_recovery_is_late(db: Session, bank: Lender) -> None:
    loan = defaulted(db, bank, defaulted_on=days_ago(50).isoformat(), outstanding_yuan="100000")
    claim = file(db, bank, loan)
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    claims.approve(db, claim_id=claim.id, actor=APPROVER)
    claims.pay(db, claim_id=claim.id, actor=APPROVER)
    recover_on(db, loan, "10000", days_ago(45))
    assert (claim.returned_fen, claim.late_recoveries) == (400_000, 0)


def recover_on(db: Session, loan: Loan, yuan: str, day: Any) -> None:
    data = RecoveryCreate.model_validate({"recovered_on": day.isoformat(), "amount_yuan": yuan})
    servicing.record_recovery(db, loan=loan, data=data, actor=BANK)


def claims_of(db: Session) -> list[FundClaim]:
    return list(db.exec(select(FundClaim)))


def test_a_replayed_recovery_changes_nothing_even_when_the_payout_is_nearly_back(
    db: Session, bank: Lender
) -> None:
    loan, claim = paid_claim(db, bank, outstanding_yuan="200000")  # payout 80,000
    recover(db, loan, "150000")  # share 60,000: only 20,000 of the payout is still out
    recovery = db.exec(select(LoanRecovery).where(LoanRecovery.loan_id == loan.id)).one()
    assert recovery.id is not None and loan.id is not None
    before = ledger.balance(db, f"allocation:{bank.code}")
    replay = LoanRecovered(
        loan_id=loan.id,
        recovery_id=recovery.id,
        lender_code=bank.code,
        amount_fen=recovery.amount_fen,
        recovered_on=recovery.recovered_on,
        reported_on=TODAY,
    )
    events.publish(db, replay)
    assert claim.returned_fen == 6_000_000
    assert ledger.balance(db, f"allocation:{bank.code}") == before
    assert reconcile(db).ok
