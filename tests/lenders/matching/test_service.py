"""Matching stores the eligible products of an application, ranked, and moves it to matched."""

from __future__ import annotations

from sqlmodel import Session, select

from app.applications.models import ApplicationStatus, ApplicationTransition
from app.core.clock import utcnow
from lenders.leads.records import bank_records
from lenders.matching import service
from lenders.matching.models import Match
from lenders.matching.service import RecordsOf
from lenders.products import service as product_service
from tests.factories import make_lender, make_product
from tests.leads_fixtures import ACTOR, Market


def read_records(db: Session) -> RecordsOf:
    """The banks' records as the leads area reads them for a routing round."""
    return lambda codes: bank_records(db, codes, now=utcnow())


def test_eligible_products_are_stored_in_rank_order(db: Session, market: Market) -> None:
    grade_b_only = make_product(db, make_lender(db), grades=["B"], min_rate_bp=300)
    matches = service.match(
        db, application=market.application, actor=ACTOR, records=read_records(db)
    )
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
    matches = service.match(
        db, application=market.application, actor=ACTOR, records=read_records(db)
    )
    assert [m.lender_code for m in matches] == [market.banks[0].code]


def test_without_an_eligible_product_the_application_stays_submitted(
    db: Session, market: Market
) -> None:
    for product in market.products:
        product_service.retire(db, product=product, reason="停售", actor=ACTOR)
    assert (
        service.match(db, application=market.application, actor=ACTOR, records=read_records(db))
        == []
    )
    db.refresh(market.application)
    assert market.application.status is ApplicationStatus.SUBMITTED
    assert db.exec(select(Match)).all() == []
