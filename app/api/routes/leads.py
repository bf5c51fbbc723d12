"""Leads (推荐): a bank reads and answers its own; staff see all; an enterprise sees its own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from app.accounts.models import Role
from app.api.deps import OfficePrincipal, PageDep, SessionDep, enterprise_data
from app.api.idempotency import Idempotent
from app.api.owned import Banker, OwnLead, VisibleApplication, lender_code_of
from app.api.params import PathId
from app.api.problems import problem_schema
from app.consent import service as consent_service
from app.enterprises.models import Enterprise
from lenders.leads import answers, deadlines, queries
from lenders.leads import contact as lead_contact
from lenders.leads.models import Lead
from lenders.leads.schemas import (
    ApprovalRequest,
    DeclineRequest,
    EnterpriseContact,
    LeadDetail,
    LeadFilters,
    LeadsPublic,
    LeadSummary,
    MatchPublic,
    RejectionRequest,
    StaffLeadFilters,
)
from lenders.matching.service import matches_of

router = APIRouter(tags=["leads"])

# An enterprise reads the leads of all its applications; the office and admin read any (audited).
LeadsOf = Annotated[
    Enterprise, Depends(enterprise_data("leads", readers=frozenset({Role.OFFICE, Role.ADMIN})))
]

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: problem_schema("lead_not_found"),
    403: problem_schema("forbidden", "consent_required"),
}
ANSWER_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: problem_schema(
        "illegal_lead_transition",
        "lead_changed",
        "illegal_transition",
        "idempotency_key_in_progress",
    ),
    422: problem_schema("validation_error", "idempotency_key_reused"),
}


def _detail(
    session: Session, lead: Lead, *, contact: EnterpriseContact | None = None
) -> LeadDetail:
    assert lead.id is not None
    return LeadDetail.full(
        lead,
        transitions=queries.transitions_of(session, lead.id),
        deadlines=list(deadlines.of_lead(session, lead.id)),
        contact=contact,
    )


@router.get("/lender/leads", response_model=LeadsPublic)
def list_own_leads(
    session: SessionDep,
    principal: Banker,
    page: PageDep,
    filters: Annotated[LeadFilters, Query()],
) -> LeadsPublic:
    """The caller's bank's leads, newest first, without the enterprise's data (read one for it)."""
    rows, total = queries.page(
        session,
        lender_code=lender_code_of(session, principal),
        status=filters.status,
        application_id=filters.application_id,
        offset=page.offset,
        limit=page.limit,
    )
    return LeadsPublic(data=[LeadSummary.of(lead) for lead in rows], count=total)


@router.get("/lender/leads/{lead_id}", response_model=LeadDetail, responses=NOT_FOUND)
def read_own_lead(session: SessionDep, principal: Banker, lead: OwnLead) -> LeadDetail:
    """One lead with what it carries and the enterprise's contact; a read of the enterprise's
    data, so consent is checked again (a revoked grant closes it) and the read is audited."""
    consent_service.authorize_bank_read(
        session, uscc=lead.uscc, lender_code=lead.lender_code, reader=principal, what="lead"
    )
    return _detail(session, lead, contact=lead_contact.for_bank(session, lead=lead))


@router.post(
    "/lender/leads/{lead_id}/accept", response_model=LeadSummary, responses=ANSWER_PROBLEMS
)
def accept_lead(
    session: SessionDep, principal: Banker, lead: OwnLead, call: Idempotent
) -> LeadSummary:
    """受理: the bank takes the lead up; it then has M working days to decide."""
    answers.accept(session, lead=lead, actor=principal)
    return call.answer(LeadSummary.of(lead))


@router.post(
    "/lender/leads/{lead_id}/decline", response_model=LeadSummary, responses=ANSWER_PROBLEMS
)
def decline_lead(
    session: SessionDep, principal: Banker, lead: OwnLead, data: DeclineRequest, call: Idempotent
) -> LeadSummary:
    """不受理, with a reason code; the application goes to the next matched bank."""
    answers.decline(session, lead=lead, reason=data.reason, note=data.note, actor=principal)
    return call.answer(LeadSummary.of(lead))


@router.post(
    "/lender/leads/{lead_id}/approval", response_model=LeadSummary, responses=ANSWER_PROBLEMS
)
def approve_lead(
    session: SessionDep, principal: Banker, lead: OwnLead, data: ApprovalRequest, call: Idempotent
) -> LeadSummary:
    """审批通过: amount, annual rate and term, within the product's ranges."""
    answers.approve(
        session,
        lead=lead,
        amount_fen=data.amount_fen,
        rate_bp=data.rate_bp,
        term_months=data.term_months,
        actor=principal,
    )
    return call.answer(LeadSummary.of(lead))


@router.post(
    "/lender/leads/{lead_id}/rejection", response_model=LeadSummary, responses=ANSWER_PROBLEMS
)
def reject_lead(
    session: SessionDep,
    principal: Banker,
    lead: OwnLead,
    data: RejectionRequest,
    call: Idempotent,
) -> LeadSummary:
    """审批未通过: the application ends."""
    answers.reject(session, lead=lead, note=data.note, actor=principal)
    return call.answer(LeadSummary.of(lead))


@router.get("/leads", response_model=LeadsPublic)
def list_leads(
    session: SessionDep,
    _: OfficePrincipal,
    page: PageDep,
    filters: Annotated[StaffLeadFilters, Query()],
) -> LeadsPublic:
    """Every lead, for the office's supervision; newest first."""
    rows, total = queries.page(
        session,
        lender_code=filters.lender_code,
        status=filters.status,
        application_id=filters.application_id,
        offset=page.offset,
        limit=page.limit,
    )
    return LeadsPublic(data=[LeadSummary.of(lead) for lead in rows], count=total)


@router.get("/leads/{lead_id}", response_model=LeadDetail, responses=NOT_FOUND)
def read_lead(session: SessionDep, principal: OfficePrincipal, lead_id: PathId) -> LeadDetail:
    """One lead with its payload, moves and deadlines (the read is audited)."""
    lead = queries.get(session, lead_id=lead_id)
    consent_service.authorize_read(session, uscc=lead.uscc, reader=principal, what="lead")
    return _detail(session, lead)


@router.get("/applications/{application_id}/leads", response_model=LeadsPublic)
def list_application_leads(
    session: SessionDep, application: VisibleApplication, page: PageDep
) -> LeadsPublic:
    """The banks an application was offered to and how each answered (enterprise and staff)."""
    rows, total = queries.page(
        session, application_id=application.id, offset=page.offset, limit=page.limit
    )
    return LeadsPublic(data=[LeadSummary.of(lead) for lead in rows], count=total)


@router.get("/applications/{application_id}/matches", response_model=list[MatchPublic])
def list_application_matches(
    session: SessionDep, application: VisibleApplication
) -> list[MatchPublic]:
    """The products matching found for an application, in the order banks are offered it."""
    assert application.id is not None
    return [MatchPublic.of(m) for m in matches_of(session, application.id)]


@router.get("/enterprises/{uscc}/leads", response_model=LeadsPublic)
def list_enterprise_leads(session: SessionDep, enterprise: LeadsOf, page: PageDep) -> LeadsPublic:
    """Every bank an enterprise's applications went to, each bank's answer and its offer
    (approved amount, rate, term), newest first; the enterprise reads only its own."""
    rows, total = queries.page(session, uscc=enterprise.uscc, offset=page.offset, limit=page.limit)
    return LeadsPublic(data=[LeadSummary.of(lead) for lead in rows], count=total)
