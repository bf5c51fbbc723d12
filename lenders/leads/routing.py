"""Routing: offer a matched application to its next bank(s), in rank order (SPEC §6).

An application is offered to one bank at a time by default, or to up to ``XYD_LEAD_FANOUT``
at once; a bank is offered an application once. A bank is skipped while the enterprise's
consent does not cover it (a named-banks grant that does not name it) or its product or the
bank itself has left the platform. Offering is a read of the enterprise's data by that bank,
written to the audit log under the grant that allowed it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel import Session

from app.applications import state as application_state
from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit.service import Actor
from app.consent import service as consent_service
from app.core.clock import utcnow
from app.core.config import get_settings
from app.enterprises import service as enterprise_service
from lenders.deadlines.calendar import add_working_days
from lenders.institutions import repository as lender_repository
from lenders.leads import deadlines, payload, queries, state
from lenders.leads.models import DeadlineKind, Lead
from lenders.leads.records import bank_records
from lenders.matching import service as match_service
from lenders.matching.models import Match
from lenders.matching.ranking import BankRecord
from lenders.matching.service import matches_of
from lenders.products import repository as product_repository
from lenders.products.models import ProductStatus
from scoring.scores import repository as score_repository
from scoring.scores.online import shared_cache
from whitelist import members
from whitelist import repository as whitelist_repository

# The application statuses from which a new offer moves it to recommended.
OFFERABLE_FROM = (ApplicationStatus.MATCHED, ApplicationStatus.DECLINED)


def leads_of(session: Session, application_id: int) -> Sequence[Lead]:
    return queries.of_application(session, application_id)


def offer_next(
    session: Session,
    *,
    application: FinancingApplication,
    actor: Actor,
    now: datetime | None = None,
) -> list[Lead]:
    """Offer the application to the next matched bank(s) up to the fan-out; the new leads.

    Only while the enterprise is on the whitelist: one that left it is offered to no one new.
    """
    moment = now or utcnow()
    settings = get_settings()
    assert application.id is not None
    if not members.current(session, [application.uscc]):
        return []
    leads = leads_of(session, application.id)
    room = settings.leads.fanout - sum(1 for lead in leads if lead.status in state.OPEN)
    tried = {lead.lender_code for lead in leads}
    offered: list[Lead] = []
    for match in matches_of(session, application.id):
        if room <= 0:
            break
        if match.lender_code in tried:
            continue
        lead = _offer(session, application=application, match=match, actor=actor, now=moment)
        tried.add(match.lender_code)
        if lead is not None:
            offered.append(lead)
            room -= 1
    if offered and application.status in OFFERABLE_FROM:
        application_state.transition(
            session,
            application=application,
            to=ApplicationStatus.RECOMMENDED,
            actor=actor,
            reason="offered to " + ", ".join(lead.lender_code for lead in offered),
        )
    return offered


def _offer(
    session: Session,
    *,
    application: FinancingApplication,
    match: Match,
    actor: Actor,
    now: datetime,
) -> Lead | None:
    product = product_repository.product(session, match.product_id)
    lender = lender_repository.get_by_code(session, match.lender_code)
    if product is None or product.status is not ProductStatus.ACTIVE:
        return None
    if lender is None or not lender.is_active:
        return None
    grant = consent_service.covering(session, uscc=application.uscc, lender_code=lender.code)
    if grant is None:
        return None
    assert application.id is not None and match.id is not None and product.id is not None
    working_days = get_settings().leads.respond_working_days
    lead = Lead(
        application_id=application.id,
        match_id=match.id,
        product_id=product.id,
        lender_code=lender.code,
        uscc=application.uscc,
        offered_at=now,
        respond_by=add_working_days(now, working_days),
        updated_at=now,
    )
    session.add(lead)
    session.flush()
    assert lead.id is not None
    lead.payload = payload.build(
        lead_id=lead.id,
        application=application,
        enterprise=enterprise_service.get(session, code=application.uscc),
        product=product,
        lender=lender,
        score=score_repository.latest_for(session, uscc=application.uscc),
        grant=grant,
        current_to=shared_cache().current_to(session, uscc=application.uscc),
        respond_by=lead.respond_by,
        offered_at=now,
    )
    state.offer(session, lead=lead, actor=actor)
    deadlines.start(
        session, lead=lead, kind=DeadlineKind.RESPOND, at=now, working_days=working_days
    )
    consent_service.record_read(
        session,
        uscc=application.uscc,
        reader=actor,
        what="lead",
        basis="authorization",
        authorization_id=grant.id,
        lender_code=lender.code,
    )
    return lead


def route(
    session: Session,
    *,
    application: FinancingApplication,
    actor: Actor,
    now: datetime | None = None,
    records: Mapping[str, BankRecord] | None = None,
) -> list[Lead]:
    """Match a submitted application of a whitelist member and offer it; the new leads."""
    if application.status is not ApplicationStatus.SUBMITTED:
        return []
    if not members.current(session, [application.uscc]):
        return []
    moment = now or utcnow()

    def records_of(codes: Sequence[str]) -> Mapping[str, BankRecord]:
        if records is not None and set(codes) <= set(records):
            return records
        return bank_records(session, codes, now=moment)

    matched = match_service.match(
        session, application=application, actor=actor, now=now, records=records_of
    )
    if not matched:
        return []
    return offer_next(session, application=application, actor=actor, now=now)


def route_pending(
    session: Session, *, actor: Actor, now: datetime | None = None, limit: int = 1000
) -> dict[str, int]:
    """Route every submitted application of a whitelist member, oldest first."""
    pending = whitelist_repository.submitted_applications_of_members(session, limit=limit)
    counts = {"applications": len(pending), "matched": 0, "leads": 0}
    # One read of every bank's record for the whole round: it changes little within it.
    banks = lender_repository.active_codes(session)
    records = bank_records(session, list(banks), now=now or utcnow())
    for application in pending:
        leads = route(session, application=application, actor=actor, now=now, records=records)
        counts["matched"] += application.status is not ApplicationStatus.SUBMITTED
        counts["leads"] += len(leads)
    return counts
