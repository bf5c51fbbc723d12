"""A bank's answers to its lead: accept or decline, then approve or reject (SPEC §6).

Each answer moves the lead and its application together, closes the deadline it answers and,
on acceptance, starts the decision deadline. The first bank to accept an application offered
to several at once takes it: the others' offers are withdrawn. A decline passes the
application to the next matched bank the enterprise's consent covers.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.applications import repository as application_repository
from app.applications import state as application_state
from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit import service as audit
from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.config import get_settings
from lenders.leads import deadlines, queries, routing, state
from lenders.leads.exceptions import ApprovalOutsideProduct, NoteRequired
from lenders.leads.models import DeadlineKind, DeclineReason, Lead, LeadStatus
from lenders.products import repository as product_repository
from lenders.products.models import LoanProduct

SUBJECT = "lead"


def _application(session: Session, lead: Lead) -> FinancingApplication:
    application = application_repository.get(session, lead.application_id)
    assert application is not None, "a lead always has its application"
    return application


def accept(session: Session, *, lead: Lead, actor: Actor, now: datetime | None = None) -> Lead:
    moment = now or utcnow()
    state.transition(session, lead=lead, to=LeadStatus.ACCEPTED, actor=actor, at=moment)
    lead.responded_at = moment
    working_days = get_settings().leads.decide_working_days
    deadlines.end(session, lead=lead, kind=DeadlineKind.RESPOND, at=moment)
    decide = deadlines.start(
        session, lead=lead, kind=DeadlineKind.DECIDE, at=moment, working_days=working_days
    )
    lead.decide_by = decide.due_at
    session.add(lead)
    application = _application(session, lead)
    application_state.transition(
        session,
        application=application,
        to=ApplicationStatus.ACCEPTED,
        actor=actor,
        reason=f"accepted by {lead.lender_code}",
    )
    others = queries.of_application_in(
        session, lead.application_id, statuses={LeadStatus.OFFERED}, other_than=lead.id
    )
    for other in others:
        state.transition(
            session,
            lead=other,
            to=LeadStatus.WITHDRAWN,
            actor=actor,
            reason="another bank accepted the application first",
            at=moment,
        )
        deadlines.end(session, lead=other, kind=DeadlineKind.RESPOND, at=moment, cancelled=True)
    _audit(session, lead=lead, actor=actor, action="lead.accept", detail={})
    return lead


def decline(
    session: Session,
    *,
    lead: Lead,
    reason: DeclineReason,
    note: str | None,
    actor: Actor,
    now: datetime | None = None,
) -> Lead:
    if reason is DeclineReason.OTHER and not (note or "").strip():
        raise NoteRequired("a decline for reason 'other' needs a note saying why")
    moment = now or utcnow()
    state.transition(
        session, lead=lead, to=LeadStatus.DECLINED, actor=actor, reason=reason.value, at=moment
    )
    lead.responded_at, lead.decline_reason, lead.note = moment, reason, note
    session.add(lead)
    deadlines.end(session, lead=lead, kind=DeadlineKind.RESPOND, at=moment)
    _audit(
        session,
        lead=lead,
        actor=actor,
        action="lead.decline",
        detail={"reason": reason.value, "note": note},
    )
    application = _application(session, lead)
    if has_open(session, lead.application_id):
        return lead  # other banks still hold the offer
    application_state.transition(
        session,
        application=application,
        to=ApplicationStatus.DECLINED,
        actor=actor,
        reason=f"declined by {lead.lender_code}: {reason.value}",
    )
    routing.offer_next(session, application=application, actor=actor, now=moment)
    return lead


def approve(
    session: Session,
    *,
    lead: Lead,
    amount_fen: int,
    rate_bp: int,
    term_months: int,
    actor: Actor,
    now: datetime | None = None,
) -> Lead:
    product = product_repository.product(session, lead.product_id)
    assert product is not None
    _check_within(product, amount_fen=amount_fen, rate_bp=rate_bp, term_months=term_months)
    moment = now or utcnow()
    state.transition(session, lead=lead, to=LeadStatus.APPROVED, actor=actor, at=moment)
    lead.decided_at = moment
    lead.approved_amount_fen, lead.approved_rate_bp = amount_fen, rate_bp
    lead.approved_term_months = term_months
    session.add(lead)
    deadlines.end(session, lead=lead, kind=DeadlineKind.DECIDE, at=moment)
    application_state.transition(
        session,
        application=_application(session, lead),
        to=ApplicationStatus.APPROVED,
        actor=actor,
        reason=f"approved by {lead.lender_code}",
    )
    _audit(
        session,
        lead=lead,
        actor=actor,
        action="lead.approve",
        detail={"amount_fen": amount_fen, "rate_bp": rate_bp, "term_months": term_months},
    )
    return lead


def reject(
    session: Session, *, lead: Lead, note: str | None, actor: Actor, now: datetime | None = None
) -> Lead:
    moment = now or utcnow()
    state.transition(
        session, lead=lead, to=LeadStatus.REJECTED, actor=actor, reason=note, at=moment
    )
    lead.decided_at, lead.note = moment, note
    session.add(lead)
    deadlines.end(session, lead=lead, kind=DeadlineKind.DECIDE, at=moment)
    application_state.transition(
        session,
        application=_application(session, lead),
        to=ApplicationStatus.REJECTED,
        actor=actor,
        reason=f"rejected by {lead.lender_code}",
    )
    _audit(session, lead=lead, actor=actor, action="lead.reject", detail={"note": note})
    return lead


def has_open(session: Session, application_id: int) -> bool:
    return queries.any_of_application_in(session, application_id, statuses=state.OPEN)


def _check_within(product: LoanProduct, *, amount_fen: int, rate_bp: int, term_months: int) -> None:
    problems = []
    if not product.min_amount_fen <= amount_fen <= product.max_amount_fen:
        problems.append("amount")
    if not product.min_rate_bp <= rate_bp <= product.max_rate_bp:
        problems.append("rate")
    if not product.min_term_months <= term_months <= product.max_term_months:
        problems.append("term")
    if problems:
        raise ApprovalOutsideProduct(
            f"the approval's {', '.join(problems)} is outside product {product.id}'s ranges",
            fields=problems,
        )


def _audit(
    session: Session, *, lead: Lead, actor: Actor, action: str, detail: dict[str, object]
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type=SUBJECT,
        subject_id=lead.id or 0,
        detail={"lender_code": lead.lender_code, "application_id": lead.application_id, **detail},
    )
