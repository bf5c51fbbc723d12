"""Matching a whitelisted application to the products it is eligible for, ranked (SPEC §6)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlmodel import Session

from app.applications import state as application_state
from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit.service import Actor
from app.core.clock import to_local, utcnow
from app.enterprises import service as enterprise_service
from lenders.matching import facts as match_facts
from lenders.matching import repository
from lenders.matching.models import Match
from lenders.matching.ranking import BankRecord, Candidate, rank
from lenders.products import repository as product_repository
from lenders.products.eligibility import eligible

# How the caller reads the banks' records for a list of lender codes: they are made of leads,
# which sit above matching, so the leads area hands them in (``lenders.leads.records``).
RecordsOf = Callable[[Sequence[str]], Mapping[str, BankRecord]]


def matches_of(session: Session, application_id: int) -> Sequence[Match]:
    """The application's matches, best first."""
    return repository.matches_of(session, application_id)


def match(
    session: Session,
    *,
    application: FinancingApplication,
    actor: Actor,
    records: RecordsOf,
    now: datetime | None = None,
) -> list[Match]:
    """Find and rank the eligible products of a submitted application; moves it to matched.

    Nothing eligible: the application stays submitted and nothing is stored, so that a
    product published later can still match it on the next round. ``records`` reads the
    banks' records (how fast they answer, how often they approve) for a list of lender codes.
    """
    assert application.id is not None
    moment = now or utcnow()
    enterprise = enterprise_service.get(session, code=application.uscc)
    facts = match_facts.of_application(
        session, application, enterprise=enterprise, today=to_local(moment).date()
    )
    offered = [
        (product, lender)
        for product, lender in product_repository.on_offer(session)
        if eligible(product, facts)[0]
    ]
    if not offered:
        return []
    codes = [lender.code for _, lender in offered]
    known = records(codes)
    candidates = [
        Candidate(
            product_id=product.id or 0,
            lender_code=lender.code,
            lender_name=lender.name,
            product_name=product.name,
            product_type=product.product_type,
            min_rate_bp=product.min_rate_bp,
            record=known[lender.code],
        )
        for product, lender in offered
    ]
    ranked = rank(
        candidates, product_type=application.product_type, chosen_lender=application.lender_code
    )
    rows = [
        Match(
            application_id=application.id,
            product_id=r.product_id,
            lender_code=r.lender_code,
            rank=r.rank,
            score=r.score,
            chosen=r.chosen,
            reasons=r.reasons,
            created_at=moment,
        )
        for r in ranked
    ]
    session.add_all(rows)
    session.flush()
    application_state.transition(
        session,
        application=application,
        to=ApplicationStatus.MATCHED,
        actor=actor,
        reason=f"{len(rows)} eligible product(s) of {len({r.lender_code for r in rows})} bank(s)",
    )
    return rows
