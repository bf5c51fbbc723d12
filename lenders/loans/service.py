"""Disbursement of an approved lead into a loan (放款), and reading loans.

首贷 (first loan): a loan is the enterprise's first when no loan of it is recorded on the
platform yet. "Before" is the order of recording, not of the contract dates: a loan a bank
reports late with an earlier date does not take the flag from one the office has already
counted, so each enterprise has at most one first loan and published figures never change.
Loans from other sources (the banks' loan-outcome files) may widen the rule later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.applications import service as application_service
from app.applications import state as application_state
from app.applications.exceptions import IllegalTransition
from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import events
from app.core.clock import to_local
from app.core.money import fen_to_yuan
from lenders.leads import state as lead_state
from lenders.leads.exceptions import LeadNotFound
from lenders.leads.models import Lead, LeadStatus
from lenders.loans import dates, repository
from lenders.loans.events import LoanDisbursed
from lenders.loans.exceptions import (
    AmountAboveApproved,
    ContractIdTaken,
    LeadNotApproved,
    LoanNotFound,
)
from lenders.loans.models import DelinquencyReport, Loan, LoanRecovery, LoanRepayment, LoanStatus
from lenders.loans.schemas import DisbursementCreate, LoanFilters

SUBJECT = "loan"


@dataclass(frozen=True)
class History:
    repayments: list[LoanRepayment]
    reports: list[DelinquencyReport]
    recoveries: list[LoanRecovery]


def get_lead(session: Session, *, lead_id: int, lender_code: str) -> Lead:
    """The lender's lead, locked until commit; another lender's answers as a missing one."""
    lead = repository.get_lead(session, lead_id, for_update=True)
    if lead is None or lead.lender_code != lender_code:
        raise LeadNotFound(f"lead {lead_id} does not exist")
    return lead


def disburse(
    session: Session,
    *,
    lead: Lead,
    data: DisbursementCreate,
    actor: Actor,
    today: date | None = None,
) -> Loan:
    """Record the loan of an approved lead; move lead and application to disbursed (audited)."""
    now = today or dates.today()
    application = application_service.get(session, application_id=lead.application_id)
    _check_disbursable(lead, application)
    approved_fen = lead.approved_amount_fen
    assert approved_fen is not None  # _check_disbursable refuses an approval without one
    if data.amount_fen > approved_fen:
        raise AmountAboveApproved(
            f"{data.amount_yuan} yuan is above the approved {fen_to_yuan(approved_fen)} yuan",
            approved_amount_fen=approved_fen,
        )
    dates.not_in_future(data.disbursed_on, field="disbursed_on", now=now)
    dates.not_before(
        data.disbursed_on,
        field="disbursed_on",
        earliest=to_local(application.created_at).date(),
        what="the application",
    )
    # The approval's terms unless the contract says otherwise (checked in range by the schema).
    term = data.term_months if data.term_months is not None else lead.approved_term_months
    rate = data.rate_bp if data.rate_bp is not None else lead.approved_rate_bp
    assert term is not None and rate is not None
    maturity = data.maturity_on or dates.add_months(data.disbursed_on, term)
    dates.not_before(
        maturity, field="maturity_on", earliest=data.disbursed_on, what="the disbursement"
    )
    if repository.contract_taken(
        session, lender_code=lead.lender_code, contract_id=data.contract_id
    ):
        raise _taken(data.contract_id)
    repository.lock_enterprise(session, lead.uscc)
    assert lead.id is not None and application.id is not None
    loan = Loan(
        lender_code=lead.lender_code,
        contract_id=data.contract_id,
        lead_id=lead.id,
        application_id=application.id,
        product_id=lead.product_id,
        uscc=lead.uscc,
        principal_fen=data.amount_fen,
        rate_bp=rate,
        term_months=term,
        disbursed_on=data.disbursed_on,
        maturity_on=maturity,
        first_loan=not repository.has_loan(session, lead.uscc),
        status=LoanStatus.CURRENT,
        outstanding_fen=data.amount_fen,
        created_by=actor.ref,
    )
    _insert(session, loan)
    reason = f"放款 contract {data.contract_id}"
    lead_state.transition(session, lead=lead, to=LeadStatus.DISBURSED, actor=actor, reason=reason)
    application_state.transition(
        session, application=application, to=ApplicationStatus.DISBURSED, actor=actor, reason=reason
    )
    audit_service.record(
        session,
        actor=actor,
        action="loan.disburse",
        subject_type=SUBJECT,
        subject_id=loan.id or 0,
        detail={
            "lead_id": lead.id,
            "application_id": application.id,
            "lender_code": loan.lender_code,
            "uscc": loan.uscc,
            "contract_id": loan.contract_id,
            "principal_fen": loan.principal_fen,
            "rate_bp": rate,
            "term_months": term,
            "disbursed_on": loan.disbursed_on.isoformat(),
            "maturity_on": maturity.isoformat(),
            "first_loan": loan.first_loan,
        },
    )
    assert loan.id is not None
    events.publish(
        session,
        LoanDisbursed(
            loan_id=loan.id,
            lender_code=loan.lender_code,
            uscc=loan.uscc,
            product_id=loan.product_id,
            principal_fen=loan.principal_fen,
            disbursed_on=loan.disbursed_on,
        ),
    )
    return loan


def _check_disbursable(lead: Lead, application: FinancingApplication) -> None:
    if lead.status is not LeadStatus.APPROVED or lead.approved_amount_fen is None:
        raise LeadNotApproved(
            f"lead {lead.id} is {lead.status.value}; only an approved lead is disbursed",
            lead_status=lead.status.value,
        )
    if lead.approved_rate_bp is None or lead.approved_term_months is None:
        raise LeadNotApproved(f"lead {lead.id}'s approval has no rate or term")
    if not application_state.can_move(application.status, ApplicationStatus.DISBURSED):
        # Checked before any write, so a refused disbursement leaves nothing behind.
        raise IllegalTransition(
            f"application {application.id} is {application.status.value}, not approved",
            from_status=application.status.value,
            to_status=ApplicationStatus.DISBURSED.value,
        )


def _insert(session: Session, loan: Loan) -> None:
    # A savepoint turns a racing twin's unique contract id into the clear error, not a 500.
    try:
        with session.begin_nested():
            session.add(loan)
            session.flush()
    except IntegrityError as error:
        raise _taken(loan.contract_id) from error


def _taken(contract_id: str) -> ContractIdTaken:
    return ContractIdTaken(
        f"contract id {contract_id!r} is already one of your loans", contract_id=contract_id
    )


def get(session: Session, *, loan_id: int, for_update: bool = False) -> Loan:
    """The loan with this id, or LoanNotFound."""
    loan = repository.get(session, loan_id, for_update=for_update)
    if loan is None:
        raise LoanNotFound(f"loan {loan_id} does not exist")
    return loan


def get_for_lender(
    session: Session, *, loan_id: int, lender_code: str, for_update: bool = False
) -> Loan:
    """The lender's own loan; another lender's answers exactly as a missing one."""
    loan = repository.get(session, loan_id, for_update=for_update)
    if loan is None or loan.lender_code != lender_code:
        raise LoanNotFound(f"loan {loan_id} does not exist")
    return loan


def get_for_enterprise(session: Session, *, loan_id: int, uscc: str) -> Loan:
    """The enterprise's own loan; another enterprise's answers exactly as a missing one."""
    loan = repository.get(session, loan_id)
    if loan is None or loan.uscc != uscc:
        raise LoanNotFound(f"loan {loan_id} does not exist")
    return loan


def history(session: Session, *, loan: Loan) -> History:
    """The loan's repayments, days-past-due reports and recoveries, oldest first."""
    assert loan.id is not None
    return History(
        repayments=list(repository.repayments(session, loan.id)),
        reports=list(repository.delinquency_reports(session, loan.id)),
        recoveries=list(repository.recoveries(session, loan.id)),
    )


def list_page(
    session: Session, *, filters: LoanFilters, offset: int, limit: int
) -> tuple[Sequence[Loan], int]:
    """Loans newest first, narrowed by the filters given (a lender's own: its code)."""
    return repository.page(
        session,
        lender_code=filters.lender_code,
        uscc=filters.uscc.strip().upper() if filters.uscc else None,
        status=filters.status,
        first_loan=filters.first_loan,
        offset=offset,
        limit=limit,
    )
