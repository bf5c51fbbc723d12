"""A bank's record over the last year: leads answered, how fast, how many it approved."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from app.core.clock import utcnow
from lenders.leads.models import Lead, LeadStatus
from lenders.leads.records import bank_records
from lenders.matching import service
from tests.factories import make_application
from tests.leads_fixtures import ACTOR, Market


def test_bank_records_count_answers_and_approvals_of_the_last_year(
    db: Session, market: Market
) -> None:
    bank = market.banks[0]
    matches = service.match(
        db,
        application=market.application,
        actor=ACTOR,
        records=lambda codes: bank_records(db, codes, now=utcnow()),
    )
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
