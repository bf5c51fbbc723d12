"""The simulated bank's teller answers its leads through the public API, once per event."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.clock import to_local
from app.outbox.models import OutboxEvent
from banksim.answering import Appetite, Teller, business_day
from lenders.leads import routing
from lenders.leads.models import Lead, LeadStatus
from lenders.loans.models import Loan
from tests.clock import CityClock
from tests.factories import make_api_key
from tests.leads_fixtures import ACTOR, Market

NEVER = {grade: 0.0 for grade in "ABCDE"}
ALWAYS = {grade: 1.0 for grade in "ABCDE"}


def offer(db: Session, client: TestClient, market: Market) -> tuple[Lead, dict[str, Any]]:
    [lead] = routing.route(db, application=market.application, actor=ACTOR)
    _key, secret = make_api_key(db, market.bank(lead.lender_code))
    client.headers.update({"X-API-Key": secret})
    event = db.exec(select(OutboxEvent).where(OutboxEvent.topic == "lead.created")).one()
    envelope = {"id": event.event_id, "type": event.topic, "data": event.payload}
    return lead, envelope


def status(db: Session, lead: Lead) -> LeadStatus:
    db.expire_all()
    stored = db.get(Lead, lead.id)
    assert stored is not None
    return stored.status


def test_a_willing_bank_accepts_approves_at_the_products_rate_and_lends(
    city_clock: CityClock, client: TestClient, db: Session, market: Market
) -> None:
    lead, envelope = offer(db, client, market)
    appetite = Appetite(answer_share=1.0, accept_by_grade=ALWAYS, approve_by_grade=ALWAYS)
    assert Teller(client, appetite=appetite, seed=1).handle(envelope) == "disbursed"
    db.expire_all()
    stored = db.get(Lead, lead.id)
    assert stored is not None and stored.status is LeadStatus.DISBURSED
    product = next(p for p in market.products if p.id == lead.product_id)
    assert stored.approved_rate_bp == product.min_rate_bp
    assert stored.approved_amount_fen == market.application.amount_fen
    loan = db.exec(select(Loan).where(Loan.lead_id == lead.id)).one()
    assert loan.first_loan and loan.principal_fen == market.application.amount_fen
    # lent on the city's calendar day, which at 01:00 in Huzhou is a day ahead of UTC's
    assert loan.disbursed_on == to_local(city_clock.start).date() == business_day()


def test_an_event_delivered_twice_is_answered_once(
    client: TestClient, db: Session, market: Market
) -> None:
    lead, envelope = offer(db, client, market)
    teller = Teller(client, appetite=Appetite(answer_share=1.0, accept_by_grade=NEVER), seed=1)
    assert teller.handle(envelope) == "declined"
    assert teller.handle(envelope) == "duplicate"
    assert status(db, lead) is LeadStatus.DECLINED
    assert teller.did == {"declined": 1, "duplicate": 1}


def test_a_silent_bank_lets_the_offer_expire(
    client: TestClient, db: Session, market: Market
) -> None:
    lead, envelope = offer(db, client, market)
    assert Teller(client, appetite=Appetite(answer_share=0.0), seed=1).handle(envelope) == "ignored"
    assert status(db, lead) is LeadStatus.OFFERED


def test_a_strict_bank_rejects_after_accepting(
    client: TestClient, db: Session, market: Market
) -> None:
    lead, envelope = offer(db, client, market)
    appetite = Appetite(answer_share=1.0, accept_by_grade=ALWAYS, approve_by_grade=NEVER)
    assert Teller(client, appetite=appetite, seed=1).handle(envelope) == "rejected"
    assert status(db, lead) is LeadStatus.REJECTED
