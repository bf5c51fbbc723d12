"""Disbursing an approved lead: the loan, 首贷, the checks, lead and application in step."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.applications.exceptions import IllegalTransition
from app.applications.models import ApplicationStatus, ApplicationTransition
from app.audit.models import AuditEvent
from lenders.leads.exceptions import LeadNotFound
from lenders.leads.models import LeadStatus, LeadTransition
from lenders.loans import service as loan_service
from lenders.loans.dates import add_months
from lenders.loans.exceptions import (
    AmountAboveApproved,
    ContractIdTaken,
    DateInFuture,
    DateOutOfOrder,
    LeadNotApproved,
    LoanNotFound,
)
from lenders.loans.models import Loan, LoanStatus
from lenders.loans.schemas import DisbursementCreate, LoanFilters
from tests.factories import make_lender
from tests.lenders.loans.helpers import (
    APPROVED_RATE_BP,
    APPROVED_TERM,
    BANK,
    approved_lead,
    days_ago,
    disbursement,
    make_loan,
)


def disburse(db: Session, lead: Any, **overrides: Any) -> Loan:
    data = DisbursementCreate.model_validate(disbursement(**overrides))
    return loan_service.disburse(db, lead=lead, data=data, actor=BANK)


def loan_count(db: Session) -> int:
    return db.exec(select(func.count()).select_from(Loan)).one()


def test_disbursement_makes_the_loan_with_the_approved_terms(db: Session) -> None:
    approved = approved_lead(db)
    day = days_ago(30)
    loan = disburse(db, approved.lead, amount_yuan="400000.50", disbursed_on=day.isoformat())
    assert loan.id is not None
    assert (loan.principal_fen, loan.outstanding_fen) == (40_000_050, 40_000_050)
    assert (loan.rate_bp, loan.term_months) == (APPROVED_RATE_BP, APPROVED_TERM)
    assert loan.maturity_on == add_months(day, APPROVED_TERM)
    assert (loan.status, loan.days_past_due, loan.recovered_fen) == (LoanStatus.CURRENT, 0, 0)
    assert loan.lender_code == approved.lender.code and loan.uscc == approved.enterprise.uscc
    assert (loan.lead_id, loan.application_id) == (approved.lead.id, approved.application.id)
    assert loan.product_id == approved.lead.product_id and loan.created_by == BANK.ref


def test_the_contract_may_set_its_own_rate_term_and_maturity(db: Session) -> None:
    approved = approved_lead(db)
    maturity = days_ago(-700)
    loan = disburse(
        db, approved.lead, rate_bp=390, term_months=24, maturity_on=maturity.isoformat()
    )
    assert (loan.rate_bp, loan.term_months, loan.maturity_on) == (390, 24, maturity)


def test_lead_and_application_move_to_disbursed_in_step_and_are_recorded(db: Session) -> None:
    approved = approved_lead(db)
    loan = disburse(db, approved.lead, contract_id="C-1")
    db.refresh(approved.lead)
    db.refresh(approved.application)
    assert approved.lead.status is LeadStatus.DISBURSED
    assert approved.application.status is ApplicationStatus.DISBURSED
    lead_move = db.exec(
        select(LeadTransition)
        .where(LeadTransition.lead_id == approved.lead.id)
        .order_by(col(LeadTransition.id).desc())
    ).first()
    app_move = db.exec(
        select(ApplicationTransition)
        .where(ApplicationTransition.application_id == approved.application.id)
        .order_by(col(ApplicationTransition.id).desc())
    ).first()
    assert lead_move is not None and app_move is not None
    assert (lead_move.from_status, lead_move.to_status) == (
        LeadStatus.APPROVED,
        LeadStatus.DISBURSED,
    )
    assert (app_move.from_status, app_move.to_status) == (
        ApplicationStatus.APPROVED,
        ApplicationStatus.DISBURSED,
    )
    assert lead_move.actor == app_move.actor == BANK.ref and "C-1" in (lead_move.reason or "")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "loan.disburse")).one()
    assert event.subject_id == str(loan.id)
    assert event.detail["principal_fen"] == 40_000_000 and event.detail["contract_id"] == "C-1"


def test_the_first_loan_of_an_enterprise_is_flagged_and_later_ones_are_not(db: Session) -> None:
    first = approved_lead(db)
    second = approved_lead(db, enterprise=first.enterprise)  # another bank, same enterprise
    other = approved_lead(db)
    loan_1 = disburse(db, first.lead, disbursed_on=days_ago(40).isoformat())
    # Reported later with an earlier date: the flag stays with the loan already counted.
    loan_2 = disburse(db, second.lead, disbursed_on=days_ago(50).isoformat())
    loan_3 = disburse(db, other.lead)
    assert (loan_1.first_loan, loan_2.first_loan, loan_3.first_loan) == (True, False, True)


def test_an_amount_above_the_approved_is_refused_and_changes_nothing(db: Session) -> None:
    approved = approved_lead(db)
    before = loan_count(db)
    with pytest.raises(AmountAboveApproved) as refused:
        disburse(db, approved.lead, amount_yuan="500000.01")
    assert refused.value.extra["approved_amount_fen"] == 50_000_000
    db.refresh(approved.lead)
    assert approved.lead.status is LeadStatus.APPROVED and loan_count(db) == before
    assert disburse(db, approved.lead, amount_yuan="500000.00").principal_fen == 50_000_000


@pytest.mark.parametrize("status", [LeadStatus.OFFERED, LeadStatus.ACCEPTED])
def test_only_an_approved_lead_is_disbursed(db: Session, status: LeadStatus) -> None:
    approved = approved_lead(db, status=status)
    with pytest.raises(LeadNotApproved) as refused:
        disburse(db, approved.lead)
    assert refused.value.extra["lead_status"] == status.value
    assert db.exec(select(Loan).where(Loan.lead_id == approved.lead.id)).first() is None
    db.refresh(approved.lead)
    assert approved.lead.status is status


def test_a_lead_is_disbursed_once(db: Session) -> None:
    approved = approved_lead(db)
    disburse(db, approved.lead)
    with pytest.raises(LeadNotApproved):
        disburse(db, approved.lead)
    assert db.exec(select(func.count()).where(Loan.lead_id == approved.lead.id)).one() == 1


def test_an_application_out_of_step_is_refused_before_anything_is_written(db: Session) -> None:
    approved = approved_lead(db)
    approved.application.status = ApplicationStatus.WITHDRAWN  # as if it had raced ahead
    db.add(approved.application)
    db.flush()
    before = loan_count(db)
    with pytest.raises(IllegalTransition):
        disburse(db, approved.lead)
    db.refresh(approved.lead)
    assert approved.lead.status is LeadStatus.APPROVED and loan_count(db) == before


def test_a_contract_id_is_unique_per_lender_not_across_lenders(db: Session) -> None:
    bank = make_lender(db)
    one, two = approved_lead(db, lender=bank), approved_lead(db, lender=bank)
    elsewhere = approved_lead(db)
    disburse(db, one.lead, contract_id="HZ-001")
    with pytest.raises(ContractIdTaken):
        disburse(db, two.lead, contract_id="HZ-001")
    db.refresh(two.lead)
    assert two.lead.status is LeadStatus.APPROVED
    assert disburse(db, elsewhere.lead, contract_id="HZ-001").contract_id == "HZ-001"


def test_a_disbursement_date_in_the_future_is_refused(db: Session) -> None:
    approved = approved_lead(db)
    with pytest.raises(DateInFuture):
        disburse(db, approved.lead, disbursed_on=days_ago(-1).isoformat())
    assert disburse(db, approved.lead, disbursed_on=days_ago(0).isoformat()).id is not None


def test_dates_out_of_order_are_refused(db: Session) -> None:
    approved = approved_lead(db)
    before = loan_count(db)
    with pytest.raises(DateOutOfOrder):  # before the enterprise stated its need
        disburse(db, approved.lead, disbursed_on=days_ago(365).isoformat())
    with pytest.raises(DateOutOfOrder):
        disburse(
            db,
            approved.lead,
            disbursed_on=days_ago(10).isoformat(),
            maturity_on=days_ago(11).isoformat(),
        )
    db.refresh(approved.lead)
    assert loan_count(db) == before and approved.lead.status is LeadStatus.APPROVED


def test_get_for_lender_hides_another_lenders_loan(db: Session) -> None:
    loan = make_loan(db)
    assert loan.id is not None
    assert loan_service.get_for_lender(db, loan_id=loan.id, lender_code=loan.lender_code) == loan
    with pytest.raises(LoanNotFound):
        loan_service.get_for_lender(db, loan_id=loan.id, lender_code=make_lender(db).code)
    with pytest.raises(LeadNotFound):
        loan_service.get_lead(db, lead_id=loan.lead_id, lender_code="someone-else")


def test_list_page_filters_by_lender_status_first_loan_and_enterprise(db: Session) -> None:
    bank = make_lender(db)
    first = make_loan(db, lender=bank)
    again = approved_lead(db, lender=bank, enterprise=None)
    second = disburse(db, again.lead)
    repeat = approved_lead(db, enterprise=again.enterprise)
    third = disburse(db, repeat.lead)
    rows, total = loan_service.list_page(
        db, filters=LoanFilters(lender_code=bank.code), offset=0, limit=10
    )
    assert total == 2 and [r.id for r in rows] == [second.id, first.id]
    rows, total = loan_service.list_page(
        db, filters=LoanFilters(uscc=again.enterprise.uscc.lower()), offset=0, limit=10
    )
    assert {r.id for r in rows} == {second.id, third.id}
    rows, _ = loan_service.list_page(
        db, filters=LoanFilters(uscc=again.enterprise.uscc, first_loan=False), offset=0, limit=10
    )
    assert [r.id for r in rows] == [third.id]
    _rows, total = loan_service.list_page(
        db, filters=LoanFilters(status=LoanStatus.REPAID), offset=0, limit=10
    )
    assert total == 0
