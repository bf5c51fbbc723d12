"""After disbursement: repayments, days past due, default and recoveries, as the bank reports them.

Status moves only forward: ``current ⇄ overdue`` by the latest days-past-due report,
``current | overdue → repaid`` when the principal is paid off, ``→ defaulted`` when the bank
declares it; ``repaid`` and ``defaulted`` are final. Each function expects the loan locked
(``service.get_for_lender(..., for_update=True)``) and checks everything before it writes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import events
from app.core.clock import utcnow
from app.core.money import fen_to_yuan
from lenders.loans import dates, repository
from lenders.loans.events import LoanRecovered, LoanStatusChanged
from lenders.loans.exceptions import (
    AlreadyDefaulted,
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
from lenders.loans.models import DelinquencyReport, Loan, LoanRecovery, LoanRepayment, LoanStatus
from lenders.loans.schemas import DefaultCreate, DelinquencyCreate, RecoveryCreate, RepaymentCreate

SUBJECT = "loan"
OPEN = frozenset({LoanStatus.CURRENT, LoanStatus.OVERDUE})


def record_repayment(
    session: Session,
    *,
    loan: Loan,
    data: RepaymentCreate,
    actor: Actor,
    today: date | None = None,
) -> LoanRepayment:
    """Record a month's repayment; the outstanding falls, and at 0 the loan is repaid."""
    now = today or dates.today()
    _check_open(loan)
    assert loan.id is not None
    if repository.repayment_for(session, loan_id=loan.id, period=data.period) is not None:
        raise RepaymentExists(
            f"loan {loan.id} already has a repayment for {data.period}", period=data.period
        )
    if data.principal_fen == 0 and data.interest_fen == 0:
        raise EmptyRepayment("a repayment pays some principal or some interest")
    if data.principal_fen > loan.outstanding_fen:
        raise RepaymentExceedsOutstanding(
            f"{data.principal_yuan} yuan of principal is more than the "
            f"{fen_to_yuan(loan.outstanding_fen)} yuan outstanding",
            outstanding_fen=loan.outstanding_fen,
        )
    dates.not_in_future(data.paid_on, field="paid_on", now=now)
    dates.not_before(
        data.paid_on, field="paid_on", earliest=loan.disbursed_on, what="the disbursement"
    )
    if data.period < loan.disbursed_on.strftime("%Y-%m"):
        raise DateOutOfOrder(
            f"period {data.period} is before the disbursement month", field="period"
        )
    loan.outstanding_fen -= data.principal_fen
    if loan.outstanding_fen == 0:
        loan.status = LoanStatus.REPAID
        loan.days_past_due = 0  # nothing is owed, so nothing is late
    repayment = LoanRepayment(
        loan_id=loan.id,
        period=data.period,
        paid_on=data.paid_on,
        principal_fen=data.principal_fen,
        interest_fen=data.interest_fen,
        outstanding_after_fen=loan.outstanding_fen,
        reported_by=actor.ref,
    )
    _save(session, loan, repayment)
    _tell_standing(session, loan)
    _audit(
        session,
        actor=actor,
        loan=loan,
        action="loan.repayment",
        period=data.period,
        paid_on=data.paid_on.isoformat(),
        principal_fen=data.principal_fen,
        interest_fen=data.interest_fen,
        outstanding_fen=loan.outstanding_fen,
    )
    return repayment


def report_delinquency(
    session: Session,
    *,
    loan: Loan,
    data: DelinquencyCreate,
    actor: Actor,
    today: date | None = None,
) -> DelinquencyReport:
    """Keep a days-past-due report; the latest by date sets the loan's dpd and current/overdue.

    A report older than the one in force is history only. A defaulted loan keeps counting its
    days past due but stays defaulted; a repaid loan owes nothing and keeps 0.
    """
    now = today or dates.today()
    assert loan.id is not None
    dates.not_in_future(data.as_of, field="as_of", now=now)
    dates.not_before(data.as_of, field="as_of", earliest=loan.disbursed_on, what="the disbursement")
    if data.days_past_due > (data.as_of - loan.disbursed_on).days:
        raise DaysPastDueImplausible(
            f"{data.days_past_due} days past due on {data.as_of.isoformat()} is more than the "
            f"days since disbursement on {loan.disbursed_on.isoformat()}"
        )
    report = DelinquencyReport(
        loan_id=loan.id,
        as_of=data.as_of,
        days_past_due=data.days_past_due,
        reported_by=actor.ref,
    )
    latest = loan.dpd_as_of is None or data.as_of >= loan.dpd_as_of
    before = loan.status
    if latest and loan.status is not LoanStatus.REPAID:
        loan.days_past_due, loan.dpd_as_of = data.days_past_due, data.as_of
        if loan.status in OPEN:
            loan.status = LoanStatus.OVERDUE if data.days_past_due > 0 else LoanStatus.CURRENT
    _save(session, loan, report)
    _tell_standing(session, loan)
    _audit(
        session,
        actor=actor,
        loan=loan,
        action="loan.delinquency",
        as_of=data.as_of.isoformat(),
        days_past_due=data.days_past_due,
        applied=latest and before is not LoanStatus.REPAID,
        status_from=before.value,
        status_to=loan.status.value,
    )
    return report


def declare_default(
    session: Session,
    *,
    loan: Loan,
    data: DefaultCreate,
    actor: Actor,
    today: date | None = None,
) -> Loan:
    """Mark the loan defaulted with the principal outstanding then; once only."""
    now = today or dates.today()
    if loan.status is LoanStatus.DEFAULTED:
        raise AlreadyDefaulted(
            f"loan {loan.id} defaulted on {loan.defaulted_on}",
            defaulted_on=loan.defaulted_on.isoformat() if loan.defaulted_on else None,
        )
    _check_open(loan)
    outstanding = data.outstanding_fen if data.outstanding_fen is not None else loan.outstanding_fen
    if outstanding > loan.outstanding_fen:
        raise OutstandingAboveBalance(
            f"{fen_to_yuan(outstanding)} yuan is more than the {fen_to_yuan(loan.outstanding_fen)} "
            "yuan the loan's reported repayments leave outstanding",
            outstanding_fen=loan.outstanding_fen,
        )
    dates.not_in_future(data.defaulted_on, field="defaulted_on", now=now)
    dates.not_before(
        data.defaulted_on,
        field="defaulted_on",
        earliest=loan.disbursed_on,
        what="the disbursement",
    )
    before = loan.status
    loan.status = LoanStatus.DEFAULTED
    loan.defaulted_on = data.defaulted_on
    loan.outstanding_fen = loan.outstanding_at_default_fen = outstanding
    _save(session, loan)
    _tell_standing(session, loan)
    _audit(
        session,
        actor=actor,
        loan=loan,
        action="loan.default",
        status_from=before.value,
        defaulted_on=data.defaulted_on.isoformat(),
        outstanding_at_default_fen=outstanding,
    )
    return loan


def record_recovery(
    session: Session,
    *,
    loan: Loan,
    data: RecoveryCreate,
    actor: Actor,
    today: date | None = None,
) -> LoanRecovery:
    """Record money recovered after default; all of it together is at most the loss."""
    now = today or dates.today()
    if loan.status is not LoanStatus.DEFAULTED:
        raise LoanNotDefaulted(
            f"loan {loan.id} is {loan.status.value}; recoveries follow a default",
            loan_status=loan.status.value,
        )
    assert loan.id is not None and loan.defaulted_on is not None
    loss = loan.outstanding_at_default_fen or 0
    if loan.recovered_fen + data.amount_fen > loss:
        raise RecoveryExceedsLoss(
            f"{data.amount_yuan} yuan would bring the recovered total above the "
            f"{fen_to_yuan(loss)} yuan outstanding at default "
            f"({fen_to_yuan(loan.recovered_fen)} yuan recovered so far)",
            recoverable_fen=loss - loan.recovered_fen,
        )
    dates.not_in_future(data.recovered_on, field="recovered_on", now=now)
    dates.not_before(
        data.recovered_on, field="recovered_on", earliest=loan.defaulted_on, what="the default"
    )
    loan.recovered_fen += data.amount_fen
    recovery = LoanRecovery(
        loan_id=loan.id,
        recovered_on=data.recovered_on,
        amount_fen=data.amount_fen,
        reported_by=actor.ref,
    )
    _save(session, loan, recovery)
    _audit(
        session,
        actor=actor,
        loan=loan,
        action="loan.recovery",
        recovered_on=data.recovered_on.isoformat(),
        amount_fen=data.amount_fen,
        recovered_fen=loan.recovered_fen,
    )
    assert recovery.id is not None
    events.publish(
        session,
        LoanRecovered(
            loan_id=loan.id,
            recovery_id=recovery.id,
            lender_code=loan.lender_code,
            amount_fen=data.amount_fen,
            recovered_on=data.recovered_on,
            reported_on=now,
        ),
    )
    return recovery


def _check_open(loan: Loan) -> None:
    if loan.status is LoanStatus.REPAID:
        raise LoanRepaid(f"loan {loan.id} is repaid and closed")
    if loan.status is LoanStatus.DEFAULTED:
        raise LoanDefaulted(
            f"loan {loan.id} has defaulted; report recoveries instead", loan_status="defaulted"
        )


def _save(session: Session, loan: Loan, *rows: Any) -> None:
    loan.updated_at = utcnow()
    session.add(loan)
    session.add_all(rows)
    session.flush()


def _tell_standing(session: Session, loan: Loan) -> None:
    """After a report that may move the loan's standing: those who watch standings recheck."""
    assert loan.id is not None
    events.publish(
        session,
        LoanStatusChanged(loan_id=loan.id, lender_code=loan.lender_code, status=loan.status.value),
    )


def _audit(session: Session, *, actor: Actor, loan: Loan, action: str, **detail: Any) -> None:
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type=SUBJECT,
        subject_id=loan.id or 0,
        detail={"lender_code": loan.lender_code, "status": loan.status.value, **detail},
    )
