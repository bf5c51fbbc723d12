"""The deadline sweep: offers expire after N working days (holidays and 调休 honoured)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.applications.models import ApplicationStatus
from app.core.clock import city_zone
from app.outbox.models import OutboxEvent
from lenders.leads import answers, deadlines, routing
from lenders.leads.models import DeadlineKind, DeadlineOutcome, LeadStatus
from lenders.leads.sweep import sweep
from tests.leads_fixtures import ACTOR, Market
from whitelist import members
from whitelist.models import WhitelistChange

CITY = city_zone()  # the city's zone, Asia/Shanghai unless XYD_TIMEZONE says otherwise

# A Wednesday before the National Day holiday (1–7 October 2026); Saturday the 10th is worked.
EVE_OF_HOLIDAY = datetime(2026, 9, 30, 10, 0, tzinfo=CITY)
DUE = datetime(2026, 10, 10, 23, 59, 59, 999_000, tzinfo=CITY)


def test_an_offer_made_before_the_holiday_is_due_on_the_adjusted_saturday(
    db: Session, market: Market
) -> None:
    [lead] = routing.route(db, application=market.application, actor=ACTOR, now=EVE_OF_HOLIDAY)
    assert lead.respond_by == DUE
    for moment in (datetime(2026, 10, 7, 18, 0, tzinfo=CITY), DUE):
        assert sweep(db, actor=ACTOR, now=moment).expired == 0
    db.refresh(lead)
    assert lead.status is LeadStatus.OFFERED


def test_an_unanswered_offer_expires_and_goes_to_the_next_bank(db: Session, market: Market) -> None:
    [lead] = routing.route(db, application=market.application, actor=ACTOR, now=EVE_OF_HOLIDAY)
    later = DUE + timedelta(seconds=1)
    swept = sweep(db, actor=ACTOR, now=later)
    assert (swept.expired, swept.reoffered, swept.applications_expired) == (1, 1, 0)
    db.refresh(lead)
    assert lead.status is LeadStatus.EXPIRED
    [deadline] = deadlines.of_lead(db, lead.id or 0)
    assert deadline.outcome is DeadlineOutcome.MISSED and deadline.ended_at == later
    leads = routing.leads_of(db, market.application.id or 0)
    assert [(x.lender_code, x.status) for x in leads][1] == (
        market.banks[0].code,
        LeadStatus.OFFERED,
    )
    assert leads[1].offered_at == later
    again = sweep(db, actor=ACTOR, now=later)
    assert (again.expired, again.reoffered) == (0, 0)  # each deadline is swept once


def test_when_no_bank_answers_the_application_expires_and_leaves_the_whitelist(
    db: Session, market: Market
) -> None:
    moment = EVE_OF_HOLIDAY
    routing.route(db, application=market.application, actor=ACTOR, now=moment)
    for _ in market.banks:
        moment += timedelta(days=30)
        swept = sweep(db, actor=ACTOR, now=moment)
    assert swept.applications_expired == 1
    db.refresh(market.application)
    assert market.application.status is ApplicationStatus.EXPIRED
    statuses = [x.status for x in routing.leads_of(db, market.application.id or 0)]
    assert statuses == [LeadStatus.EXPIRED] * 3
    assert market.firm.uscc not in members.current(db)
    change = db.exec(select(WhitelistChange).where(WhitelistChange.kind == "exit")).one()
    assert change.trigger == "expiry"


def test_a_late_decision_is_recorded_and_the_bank_told_but_the_lead_stays(
    db: Session, market: Market
) -> None:
    [lead] = routing.route(db, application=market.application, actor=ACTOR, now=EVE_OF_HOLIDAY)
    accepted_at = EVE_OF_HOLIDAY + timedelta(hours=2)
    answers.accept(db, lead=lead, actor=ACTOR, now=accepted_at)
    assert lead.decide_by is not None
    swept = sweep(db, actor=ACTOR, now=lead.decide_by + timedelta(minutes=1))
    assert (swept.decisions_overdue, swept.expired) == (1, 0)
    db.refresh(lead)
    assert lead.status is LeadStatus.ACCEPTED
    outcomes = {d.kind: d.outcome for d in deadlines.of_lead(db, lead.id or 0)}
    assert outcomes == {
        DeadlineKind.RESPOND: DeadlineOutcome.MET,
        DeadlineKind.DECIDE: DeadlineOutcome.MISSED,
    }
    event = db.exec(select(OutboxEvent).where(OutboxEvent.topic == "lead.decision_overdue")).one()
    assert event.lender_code == lead.lender_code and event.payload["lead_id"] == lead.id
    answers.approve(db, lead=lead, amount_fen=40_000_000, rate_bp=390, term_months=12, actor=ACTOR)
    assert lead.status is LeadStatus.APPROVED  # late, but the bank may still decide
