"""Repayments, days past due, default and recoveries: money and status rules, final states."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from lenders.loans import service as loan_service
from lenders.loans import servicing
from lenders.loans.exceptions import (
    AlreadyDefaulted,
    DateInFuture,
    DateOutOfOrder,
    DaysPastDueImplausible,
    EmptyRepayment,
    LoanDefaulted,
    LoanNotDefaulted,
    LoanRepaid,
    OutstandingAboveBalance,
    RecoveryExceedsLoss,
    RepaymentExceedsOutstanding,
    RepaymentExists,
)
from lenders.loans.models import DelinquencyReport, Loan, LoanRepayment, LoanStatus
from lenders.loans.schemas import DefaultCreate, DelinquencyCreate, RecoveryCreate, RepaymentCreate
from tests.lenders.loans.helpers import BANK, days_ago, make_loan

PRINCIPAL = "400000.00"  # make_loan's amount; disbursed 60 days ago


def this_month() -> str:
    return days_ago(0).strftime("%Y-%m")


def repay(db: Session, loan: Loan, **fields: Any) -> LoanRepayment:
    body = {
        "period": this_month(),
        "paid_on": days_ago(1).isoformat(),
        "principal_yuan": "100000.00",
        "interest_yuan": "1400.00",
        **fields,
    }
    return servicing.record_repayment(
        db, loan=loan, data=RepaymentCreate.model_validate(body), actor=BANK
    )


def dpd(db: Session, loan: Loan, days: int, as_of_days_ago: int = 1) -> DelinquencyReport:
    body = {"as_of": days_ago(as_of_days_ago).isoformat(), "days_past_due": days}
    return servicing.report_delinquency(
        db, loan=loan, data=DelinquencyCreate.model_validate(body), actor=BANK
    )


def default(db: Session, loan: Loan, **fields: Any) -> Loan:
    body = {"defaulted_on": days_ago(2).isoformat(), **fields}
    return servicing.declare_default(
        db, loan=loan, data=DefaultCreate.model_validate(body), actor=BANK
    )


def recover(db: Session, loan: Loan, amount: str, **fields: Any) -> None:
    body = {"recovered_on": days_ago(1).isoformat(), "amount_yuan": amount, **fields}
    servicing.record_recovery(db, loan=loan, data=RecoveryCreate.model_validate(body), actor=BANK)


def actions(db: Session, loan: Loan) -> list[str]:
    rows = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "loan", AuditEvent.subject_id == str(loan.id))
        .order_by(AuditEvent.id)  # type: ignore[arg-type]
    ).all()
    return list(rows)


def test_repayments_bring_the_outstanding_down_to_repaid(db: Session) -> None:
    loan = make_loan(db)
    months = [days_ago(45).strftime("%Y-%m"), days_ago(15).strftime("%Y-%m"), "2099-12"]
    first = repay(db, loan, period=months[0], principal_yuan="150000.25")
    assert (first.outstanding_after_fen, loan.outstanding_fen) == (24_999_975, 24_999_975)
    assert loan.status is LoanStatus.CURRENT
    if months[1] != months[0]:
        repay(db, loan, period=months[1], principal_yuan="0", interest_yuan="1000.00")
    repay(db, loan, period=months[2], principal_yuan="249999.75")
    assert (loan.outstanding_fen, loan.status) == (0, LoanStatus.REPAID)
    history = loan_service.history(db, loan=loan).repayments
    assert history[-1].period == "2099-12" and history[0].interest_fen == 140_000
    assert actions(db, loan).count("loan.repayment") == len(history)


def test_a_period_is_reported_once(db: Session) -> None:
    loan = make_loan(db)
    repay(db, loan)
    with pytest.raises(RepaymentExists):
        repay(db, loan, principal_yuan="1.00")
    assert loan.outstanding_fen == 30_000_000


def test_repayment_checks_refuse_and_change_nothing(db: Session) -> None:
    loan = make_loan(db)
    with pytest.raises(RepaymentExceedsOutstanding):
        repay(db, loan, principal_yuan="400000.01")
    with pytest.raises(EmptyRepayment):
        repay(db, loan, principal_yuan="0", interest_yuan="0.00")
    with pytest.raises(DateInFuture):
        repay(db, loan, paid_on=days_ago(-1).isoformat())
    with pytest.raises(DateOutOfOrder):
        repay(db, loan, paid_on=days_ago(61).isoformat())
    with pytest.raises(DateOutOfOrder):
        repay(db, loan, period=days_ago(100).strftime("%Y-%m"))
    assert (
        loan.outstanding_fen == 40_000_000 and loan_service.history(db, loan=loan).repayments == []
    )
    assert actions(db, loan) == ["loan.disburse"]


def test_days_past_due_move_current_and_overdue_and_keep_every_report(db: Session) -> None:
    loan = make_loan(db)
    dpd(db, loan, 12, as_of_days_ago=20)
    assert (loan.status, loan.days_past_due, loan.dpd_as_of) == (
        LoanStatus.OVERDUE,
        12,
        days_ago(20),
    )
    dpd(db, loan, 0, as_of_days_ago=5)
    assert (loan.status, loan.days_past_due) == (LoanStatus.CURRENT, 0)
    dpd(db, loan, 30, as_of_days_ago=10)  # older than the report in force: history only
    assert (loan.status, loan.days_past_due, loan.dpd_as_of) == (LoanStatus.CURRENT, 0, days_ago(5))
    reports = loan_service.history(db, loan=loan).reports
    assert [(r.days_past_due, r.as_of) for r in reports] == [
        (12, days_ago(20)),
        (30, days_ago(10)),
        (0, days_ago(5)),
    ]
    assert actions(db, loan).count("loan.delinquency") == 3


def test_days_past_due_never_reopen_a_defaulted_or_repaid_loan(db: Session) -> None:
    defaulted = make_loan(db)
    default(db, defaulted)
    dpd(db, defaulted, 0)
    assert (defaulted.status, defaulted.days_past_due) == (LoanStatus.DEFAULTED, 0)
    dpd(db, defaulted, 59, as_of_days_ago=0)
    assert (defaulted.status, defaulted.days_past_due) == (LoanStatus.DEFAULTED, 59)
    repaid = make_loan(db)
    repay(db, repaid, principal_yuan=PRINCIPAL)
    dpd(db, repaid, 7)
    assert (repaid.status, repaid.days_past_due) == (LoanStatus.REPAID, 0)
    assert len(loan_service.history(db, loan=repaid).reports) == 1


def test_days_past_due_checks(db: Session) -> None:
    loan = make_loan(db)
    with pytest.raises(DaysPastDueImplausible):
        dpd(db, loan, 60, as_of_days_ago=1)  # disbursed 60 days ago: at most 59 on that day
    with pytest.raises(DateInFuture):
        dpd(db, loan, 0, as_of_days_ago=-1)
    with pytest.raises(DateOutOfOrder):
        dpd(db, loan, 0, as_of_days_ago=61)
    assert loan_service.history(db, loan=loan).reports == [] and loan.status is LoanStatus.CURRENT
    assert db.exec(select(func.count()).select_from(DelinquencyReport)).one() == 0


def test_default_keeps_the_outstanding_and_happens_once(db: Session) -> None:
    loan = make_loan(db)
    repay(db, loan, principal_yuan="100000.00")
    default(db, loan)
    assert (loan.status, loan.defaulted_on) == (LoanStatus.DEFAULTED, days_ago(2))
    assert loan.outstanding_at_default_fen == loan.outstanding_fen == 30_000_000
    with pytest.raises(AlreadyDefaulted):
        default(db, loan, defaulted_on=days_ago(1).isoformat())
    assert loan.defaulted_on == days_ago(2)
    with pytest.raises(LoanDefaulted):
        repay(db, loan, period="2099-01")
    assert actions(db, loan).count("loan.default") == 1


def test_the_bank_may_state_a_lower_outstanding_at_default_never_a_higher(db: Session) -> None:
    loan = make_loan(db)
    with pytest.raises(OutstandingAboveBalance):
        default(db, loan, outstanding_yuan="400000.01")
    with pytest.raises(DateOutOfOrder):
        default(db, loan, defaulted_on=days_ago(61).isoformat())
    with pytest.raises(DateInFuture):
        default(db, loan, defaulted_on=days_ago(-1).isoformat())
    assert loan.status is LoanStatus.CURRENT and loan.outstanding_at_default_fen is None
    default(db, loan, outstanding_yuan="350000.00")
    assert loan.outstanding_at_default_fen == loan.outstanding_fen == 35_000_000


def test_a_repaid_loan_cannot_default(db: Session) -> None:
    loan = make_loan(db)
    repay(db, loan, principal_yuan=PRINCIPAL)
    with pytest.raises(LoanRepaid):
        default(db, loan)
    with pytest.raises(LoanRepaid):
        repay(db, loan, period="2099-01", principal_yuan="0", interest_yuan="1.00")
    assert loan.status is LoanStatus.REPAID


def test_recoveries_add_up_to_at_most_the_outstanding_at_default(db: Session) -> None:
    loan = make_loan(db)
    default(db, loan, outstanding_yuan="1000.00")
    recover(db, loan, "600.00")
    with pytest.raises(RecoveryExceedsLoss) as refused:
        recover(db, loan, "400.01")
    assert refused.value.extra["recoverable_fen"] == 40_000
    recover(db, loan, "400.00")
    assert loan.recovered_fen == 100_000
    with pytest.raises(RecoveryExceedsLoss):
        recover(db, loan, "0.01")
    assert [r.amount_fen for r in loan_service.history(db, loan=loan).recoveries] == [
        60_000,
        40_000,
    ]
    assert actions(db, loan).count("loan.recovery") == 2


def test_recoveries_only_after_default_and_not_before_it(db: Session) -> None:
    loan = make_loan(db)
    with pytest.raises(LoanNotDefaulted):
        recover(db, loan, "1.00")
    default(db, loan)
    with pytest.raises(DateOutOfOrder):
        recover(db, loan, "1.00", recovered_on=days_ago(3).isoformat())
    with pytest.raises(DateInFuture):
        recover(db, loan, "1.00", recovered_on=days_ago(-1).isoformat())
    assert loan.recovered_fen == 0 and loan_service.history(db, loan=loan).recoveries == []
