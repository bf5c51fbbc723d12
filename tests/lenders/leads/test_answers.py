"""A bank's answers move its lead and the application together, within their deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.applications import service as application_service
from app.applications.models import ApplicationStatus
from app.core.config import get_settings
from app.outbox.models import OutboxEvent
from lenders.deadlines.calendar import add_working_days
from lenders.leads import answers, deadlines, routing
from lenders.leads.exceptions import ApprovalOutsideProduct, IllegalLeadTransition, NoteRequired
from lenders.leads.models import (
    DeadlineKind,
    DeadlineOutcome,
    DeclineReason,
    Lead,
    LeadStatus,
    LeadTransition,
)
from tests.leads_fixtures import ACTOR, Market

S = ApplicationStatus


def offered(db: Session, market: Market) -> Lead:
    [lead] = routing.route(db, application=market.application, actor=ACTOR)
    return lead


def status_of(db: Session, market: Market) -> ApplicationStatus:
    db.refresh(market.application)
    return market.application.status


def outcomes(db: Session, lead: Lead) -> dict[DeadlineKind, DeadlineOutcome]:
    return {d.kind: d.outcome for d in deadlines.of_lead(db, lead.id or 0)}


def test_accepting_starts_the_decision_deadline(db: Session, market: Market) -> None:
    lead = offered(db, market)
    answers.accept(db, lead=lead, actor=ACTOR)
    assert lead.status is LeadStatus.ACCEPTED and lead.responded_at is not None
    assert status_of(db, market) is S.ACCEPTED
    assert outcomes(db, lead) == {
        DeadlineKind.RESPOND: DeadlineOutcome.MET,
        DeadlineKind.DECIDE: DeadlineOutcome.OPEN,
    }
    assert lead.decide_by == add_working_days(lead.responded_at, 10)
    topics = db.exec(select(OutboxEvent.topic).order_by(OutboxEvent.id)).all()  # type: ignore[arg-type]
    assert topics == ["lead.created", "lead.accepted"]


def test_the_first_bank_to_accept_takes_an_application_offered_to_several(
    db: Session, market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XYD_LEAD_FANOUT", "3")
    get_settings.cache_clear()
    try:
        first, second, third = routing.route(db, application=market.application, actor=ACTOR)
    finally:
        monkeypatch.delenv("XYD_LEAD_FANOUT")
        get_settings.cache_clear()
    answers.accept(db, lead=second, actor=ACTOR)
    for other in (first, third):
        db.refresh(other)
        assert other.status is LeadStatus.WITHDRAWN
        assert outcomes(db, other)[DeadlineKind.RESPOND] is DeadlineOutcome.CANCELLED
    with pytest.raises(IllegalLeadTransition):
        answers.accept(db, lead=first, actor=ACTOR)


def test_a_decline_passes_the_application_to_the_next_bank(db: Session, market: Market) -> None:
    lead = offered(db, market)
    answers.decline(db, lead=lead, reason=DeclineReason.CREDIT_RISK, note=None, actor=ACTOR)
    assert (lead.status, lead.decline_reason) == (LeadStatus.DECLINED, DeclineReason.CREDIT_RISK)
    leads = routing.leads_of(db, market.application.id or 0)
    assert [(x.lender_code, x.status) for x in leads] == [
        (market.banks[1].code, LeadStatus.DECLINED),
        (market.banks[0].code, LeadStatus.OFFERED),
    ]
    assert status_of(db, market) is S.RECOMMENDED  # declined, then recommended to the next


def test_when_every_bank_declined_the_application_stays_declined(
    db: Session, market: Market
) -> None:
    for _ in market.banks:
        open_leads = [
            x
            for x in routing.leads_of(db, market.application.id or 0)
            if x.status is LeadStatus.OFFERED
        ]
        [lead] = open_leads or [offered(db, market)]
        answers.decline(db, lead=lead, reason=DeclineReason.NO_CAPACITY, note=None, actor=ACTOR)
    assert status_of(db, market) is S.DECLINED
    assert len(routing.leads_of(db, market.application.id or 0)) == 3


def test_a_decline_for_other_reasons_needs_a_note_and_changes_nothing_without(
    db: Session, market: Market
) -> None:
    lead = offered(db, market)
    with pytest.raises(NoteRequired):
        answers.decline(db, lead=lead, reason=DeclineReason.OTHER, note="  ", actor=ACTOR)
    db.refresh(lead)
    assert lead.status is LeadStatus.OFFERED
    answers.decline(db, lead=lead, reason=DeclineReason.OTHER, note="企业已获他行贷款", actor=ACTOR)
    assert lead.note == "企业已获他行贷款"


def test_approval_within_the_product_then_the_application_is_approved(
    db: Session, market: Market
) -> None:
    lead = offered(db, market)
    answers.accept(db, lead=lead, actor=ACTOR)
    answers.approve(db, lead=lead, amount_fen=40_000_000, rate_bp=390, term_months=12, actor=ACTOR)
    assert (lead.status, lead.approved_amount_fen, lead.approved_rate_bp) == (
        LeadStatus.APPROVED,
        40_000_000,
        390,
    )
    assert status_of(db, market) is S.APPROVED
    assert outcomes(db, lead)[DeadlineKind.DECIDE] is DeadlineOutcome.MET


@pytest.mark.parametrize(
    ("amount_fen", "rate_bp", "term_months", "field"),
    [
        (400_000_000, 390, 12, "amount"),
        (40_000_000, 100, 12, "rate"),
        (40_000_000, 390, 48, "term"),
    ],
)
def test_an_approval_outside_the_product_is_refused_and_changes_nothing(
    db: Session, market: Market, amount_fen: int, rate_bp: int, term_months: int, field: str
) -> None:
    lead = offered(db, market)
    answers.accept(db, lead=lead, actor=ACTOR)
    with pytest.raises(ApprovalOutsideProduct) as refused:
        answers.approve(
            db,
            lead=lead,
            amount_fen=amount_fen,
            rate_bp=rate_bp,
            term_months=term_months,
            actor=ACTOR,
        )
    assert refused.value.extra["fields"] == [field]
    db.refresh(lead)
    assert lead.status is LeadStatus.ACCEPTED and lead.approved_amount_fen is None


def test_rejection_ends_the_application(db: Session, market: Market) -> None:
    lead = offered(db, market)
    answers.accept(db, lead=lead, actor=ACTOR)
    answers.reject(db, lead=lead, note="负债率过高", actor=ACTOR)
    assert lead.status is LeadStatus.REJECTED and status_of(db, market) is S.REJECTED


def test_answers_out_of_order_are_refused(db: Session, market: Market) -> None:
    lead = offered(db, market)
    with pytest.raises(IllegalLeadTransition) as refused:
        answers.approve(
            db, lead=lead, amount_fen=40_000_000, rate_bp=390, term_months=12, actor=ACTOR
        )
    assert refused.value.extra["allowed"] == ["accepted", "declined", "expired", "withdrawn"]
    answers.accept(db, lead=lead, actor=ACTOR)
    with pytest.raises(IllegalLeadTransition):
        answers.decline(db, lead=lead, reason=DeclineReason.CREDIT_RISK, note=None, actor=ACTOR)


def test_the_enterprise_withdrawing_withdraws_its_open_leads(db: Session, market: Market) -> None:
    lead = offered(db, market)
    answers.accept(db, lead=lead, actor=ACTOR)
    application_service.withdraw(db, application=market.application, actor=ACTOR, reason="不需要了")
    db.refresh(lead)
    assert lead.status is LeadStatus.WITHDRAWN
    assert outcomes(db, lead)[DeadlineKind.DECIDE] is DeadlineOutcome.CANCELLED
    event = db.exec(select(OutboxEvent).where(OutboxEvent.topic == "lead.withdrawn")).one()
    assert event.payload["reason"] == "the enterprise withdrew"
    assert event.lender_code == lead.lender_code


def test_every_move_of_a_lead_is_recorded(db: Session, market: Market) -> None:
    lead = offered(db, market)
    answers.accept(db, lead=lead, actor=ACTOR)
    moves = db.exec(
        select(LeadTransition.from_status, LeadTransition.to_status)
        .where(LeadTransition.lead_id == lead.id)
        .order_by(LeadTransition.id)  # type: ignore[arg-type]
    ).all()
    assert moves == [(None, LeadStatus.OFFERED), (LeadStatus.OFFERED, LeadStatus.ACCEPTED)]
    assert lead.offered_at <= lead.responded_at <= lead.offered_at + timedelta(minutes=1)  # type: ignore[operator]
