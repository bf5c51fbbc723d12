"""Matching stores the eligible products of an application, ranked, and moves it to matched."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from app.applications.models import ApplicationStatus, ApplicationTransition
from app.core.clock import utcnow
from lenders.leads.models import Lead, LeadStatus
from lenders.matching import service
from lenders.matching.models import Match
from lenders.matching.records import bank_records
from lenders.products import service as product_service
from tests.factories import make_application, make_lender, make_product
from tests.leads_fixtures import ACTOR, Market


def test_eligible_products_are_stored_in_rank_order(db: Session, market: Market) -> None:
    grade_b_only = make_product(db, make_lender(db), grades=["B"], min_rate_bp=300)
    matches = service.match(db, application=market.application, actor=ACTOR)
    ids = [m.product_id for m in matches]
    assert grade_b_only.id not in ids  # the firm is grade A
    assert ids == [market.products[1].id, market.products[0].id, market.products[2].id]
    assert [m.rank for m in matches] == [1, 2, 3]
    assert all(m.reasons for m in matches)
    stored = service.matches_of(db, market.application.id or 0)
    assert [m.id for m in stored] == [m.id for m in matches]
    db.refresh(market.application)
    assert market.application.status is ApplicationStatus.MATCHED
    last = db.exec(
        select(ApplicationTransition)
        .where(ApplicationTransition.application_id == market.application.id)
        .order_by(ApplicationTransition.id.desc())  # type: ignore[union-attr]
    ).first()
    assert last is not None and last.reason == "3 eligible product(s) of 3 bank(s)"


def test_retired_products_and_inactive_banks_are_not_matched(db: Session, market: Market) -> None:
    product_service.retire(db, product=market.products[1], reason="停售", actor=ACTOR)
    market.banks[2].is_active = False
    db.add(market.banks[2])
    db.flush()
    matches = service.match(db, application=market.application, actor=ACTOR)
    assert [m.lender_code for m in matches] == [market.banks[0].code]


def test_without_an_eligible_product_the_application_stays_submitted(
    db: Session, market: Market
) -> None:
    for product in market.products:
        product_service.retire(db, product=product, reason="停售", actor=ACTOR)
    assert service.match(db, application=market.application, actor=ACTOR) == []
    db.refresh(market.application)
    assert market.application.status is ApplicationStatus.SUBMITTED
    assert db.exec(select(Match)).all() == []


def test_bank_records_count_answers_and_approvals_of_the_last_year(
    db: Session, market: Market
) -> None:
    bank = market.banks[0]
    matches = service.match(db, application=market.application, actor=ACTOR)
    match = next(m for m in matches if m.lender_code == bank.code)
    now = utcnow()
    for hours, status in (
        (2, LeadStatus.APPROVED),
        (6, LeadStatus.REJECTED),
        (None, LeadStatus.EXPIRED),
    ):
        offered = now - timedelta(days=3)
        application = make_application(db, market.firm)  # one lead per bank and application
        db.add(
            Lead(
                application_id=application.id or 0,
                match_id=match.id or 0,
                product_id=match.product_id,
                lender_code=bank.code,
                uscc=market.firm.uscc,
                status=status,
                offered_at=offered,
                respond_by=offered + timedelta(days=3),
                responded_at=None if hours is None else offered + timedelta(hours=hours),
            )
        )
    db.flush()
    records = bank_records(db, [bank.code, market.banks[1].code], now=now)
    assert records[bank.code].responded == 2
    assert records[bank.code].median_response_hours == 4.0
    assert (records[bank.code].decided, records[bank.code].approved) == (2, 1)
    assert records[market.banks[1].code].responded == 0
    assert records[market.banks[1].code].median_response_hours is None
