"""Approved leads to disburse, built the way the leads side moves them (its state machines)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.applications import state as application_state
from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit.service import SystemActor
from app.core.clock import utcnow
from app.enterprises.models import Enterprise
from lenders.institutions.models import Lender
from lenders.leads import state as lead_state
from lenders.leads.models import Lead, LeadStatus
from lenders.loans import service as loan_service
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.models import Loan
from lenders.loans.schemas import DefaultCreate, DisbursementCreate
from lenders.matching.models import Match
from tests.factories import make_application, make_enterprise, make_lender, make_product

BANK = SystemActor("bank-test")
APPROVED_FEN = 50_000_000  # 500,000.00 yuan
APPROVED_RATE_BP = 420
APPROVED_TERM = 12
APPLIED_DAYS_AGO = 90


@dataclass
class Approved:
    lender: Lender
    enterprise: Enterprise
    application: FinancingApplication
    lead: Lead


def approved_lead(
    session: Session,
    *,
    lender: Lender | None = None,
    enterprise: Enterprise | None = None,
    status: LeadStatus = LeadStatus.APPROVED,
) -> Approved:
    """An application matched to a product of ``lender`` and its lead moved to ``status``."""
    lender = lender or make_lender(session)
    enterprise = enterprise or make_enterprise(session)
    product = make_product(session, lender)
    application = make_application(session, enterprise, amount_yuan="500000.00")
    # Stated 90 days ago, so that loans can be disbursed in the past (not before the need).
    application.created_at = utcnow() - timedelta(days=APPLIED_DAYS_AGO)
    session.add(application)
    for to in (ApplicationStatus.MATCHED, ApplicationStatus.RECOMMENDED):
        application_state.transition(session, application=application, to=to, actor=BANK)
    assert application.id is not None and product.id is not None
    match = Match(
        application_id=application.id,
        product_id=product.id,
        lender_code=lender.code,
        rank=1,
        score=9_000,
    )
    session.add(match)
    session.flush()
    assert match.id is not None
    lead = Lead(
        application_id=application.id,
        match_id=match.id,
        product_id=product.id,
        lender_code=lender.code,
        uscc=enterprise.uscc,
        respond_by=utcnow() + timedelta(days=3),
    )
    lead_state.offer(session, lead=lead, actor=BANK)
    if status is not LeadStatus.OFFERED:
        _accept(session, application, lead)
    if status is LeadStatus.APPROVED:
        _approve(session, application, lead)
    return Approved(lender=lender, enterprise=enterprise, application=application, lead=lead)


def _accept(session: Session, application: FinancingApplication, lead: Lead) -> None:
    lead_state.transition(session, lead=lead, to=LeadStatus.ACCEPTED, actor=BANK)
    application_state.transition(
        session, application=application, to=ApplicationStatus.ACCEPTED, actor=BANK
    )


def _approve(session: Session, application: FinancingApplication, lead: Lead) -> None:
    lead.approved_amount_fen = APPROVED_FEN
    lead.approved_rate_bp = APPROVED_RATE_BP
    lead.approved_term_months = APPROVED_TERM
    session.add(lead)
    session.flush()
    lead_state.transition(session, lead=lead, to=LeadStatus.APPROVED, actor=BANK)
    application_state.transition(
        session, application=application, to=ApplicationStatus.APPROVED, actor=BANK
    )


_contracts = iter(range(1, 1_000_000))


def disbursement(**overrides: Any) -> dict[str, Any]:
    """A disbursement as a bank sends it, valid unless overridden."""
    fields: dict[str, Any] = {
        "contract_id": f"湖银2026借字第{next(_contracts):04d}号",
        "disbursed_on": (today() - timedelta(days=60)).isoformat(),
        "amount_yuan": "400000.00",
    }
    fields.update(overrides)
    return fields


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def make_loan(
    session: Session,
    *,
    lender: Lender | None = None,
    enterprise: Enterprise | None = None,
    **overrides: Any,
) -> Loan:
    """A loan disbursed 60 days ago on a fresh approved lead (of ``lender``, ``enterprise``)."""
    approved = approved_lead(session, lender=lender, enterprise=enterprise)
    return loan_service.disburse(
        session,
        lead=approved.lead,
        data=DisbursementCreate.model_validate(disbursement(**overrides)),
        actor=BANK,
    )


def make_defaulted_loan(session: Session, *, lender: Lender | None = None) -> Loan:
    """A loan disbursed 60 days ago that defaulted 2 days ago, nothing recovered yet."""
    loan = make_loan(session, lender=lender)
    data = DefaultCreate.model_validate({"defaulted_on": days_ago(2).isoformat()})
    return servicing.declare_default(session, loan=loan, data=data, actor=BANK)
