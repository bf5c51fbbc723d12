"""Routing: a whitelisted application is matched and offered to its best bank the consent covers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit.models import AuditEvent
from app.core.config import get_settings
from app.enterprises.models import Enterprise
from app.outbox.models import OutboxEvent
from lenders.deadlines.calendar import add_working_days
from lenders.leads import routing
from lenders.leads.models import DeadlineKind, DeadlineOutcome, LeadDeadline, LeadStatus
from tests.factories import make_application, make_authorization
from tests.leads_fixtures import ACTOR, Market
from whitelist.refresh import refresh


def test_a_member_is_offered_to_the_best_ranked_bank_with_what_it_authorized(
    db: Session, market: Market
) -> None:
    [lead] = routing.route(db, application=market.application, actor=ACTOR)
    best = market.banks[1]  # the cheapest product
    assert (lead.lender_code, lead.status) == (best.code, LeadStatus.OFFERED)
    db.refresh(market.application)
    assert market.application.status is ApplicationStatus.RECOMMENDED
    sent = lead.payload
    assert sent["enterprise"]["uscc"] == market.firm.uscc
    assert sent["application"]["amount_yuan"] == "500000.00"
    assert sent["score"]["grade"] == "A" and sent["score"]["grade_name"] == "优秀"
    assert set(sent["data_current_to"]) >= {"tax_monthly", "utility_monthly"}
    assert sent["authorization"]["scope"] == "matched_banks"
    assert "legal_rep_digest" not in sent["enterprise"]
    # Not even masked: 张** would tell a guesser of the registration's name the first character.
    assert "legal_representative" not in sent["enterprise"]
    assert market.firm.legal_rep_masked not in str(sent)
    [event] = db.exec(select(OutboxEvent).where(OutboxEvent.topic == "lead.created")).all()
    assert event.lender_code == best.code and event.payload == sent
    [deadline] = db.exec(select(LeadDeadline)).all()
    assert deadline.kind is DeadlineKind.RESPOND and deadline.outcome is DeadlineOutcome.OPEN
    assert deadline.due_at == add_working_days(lead.offered_at, 3) == lead.respond_by
    read = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "enterprise_data.read", AuditEvent.subject_id == market.firm.uscc
        )
    ).all()
    assert any(
        r.detail.get("lender_code") == best.code and r.detail["what"] == "lead" for r in read
    )


def test_an_application_is_offered_to_a_bank_once(db: Session, market: Market) -> None:
    routing.route(db, application=market.application, actor=ACTOR)
    assert routing.offer_next(db, application=market.application, actor=ACTOR) == []  # full
    assert routing.route(db, application=market.application, actor=ACTOR) == []  # not submitted


def test_fan_out_offers_to_several_banks_at_once(
    db: Session, market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XYD_LEAD_FANOUT", "2")
    get_settings.cache_clear()
    try:
        leads = routing.route(db, application=market.application, actor=ACTOR)
    finally:
        monkeypatch.delenv("XYD_LEAD_FANOUT")
        get_settings.cache_clear()
    assert [lead.lender_code for lead in leads] == [market.banks[1].code, market.banks[0].code]


def test_a_named_banks_grant_skips_the_banks_it_does_not_name(
    db: Session, qualified: Callable[..., Enterprise], market: Market
) -> None:
    firm = qualified(consents=False)
    make_authorization(db, firm.uscc, scope="named_banks", lender_codes=[market.banks[2].code])
    refresh(db, actor=ACTOR)
    [application] = db.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == firm.uscc)
    ).all()
    [lead] = routing.route(db, application=application, actor=ACTOR)
    assert lead.lender_code == market.banks[2].code  # ranked last, but the only one named


def test_nobody_is_offered_an_enterprise_off_the_whitelist(
    db: Session, market: Market, qualified: Callable[..., Enterprise]
) -> None:
    outsider = qualified(grade="C")
    application = make_application(db, outsider)
    assert routing.route(db, application=application, actor=ACTOR) == []
    db.refresh(application)
    assert application.status is ApplicationStatus.SUBMITTED


def test_route_pending_routes_every_submitted_application_of_a_member(
    db: Session, market: Market
) -> None:
    counts = routing.route_pending(db, actor=ACTOR)
    assert counts == {"applications": 1, "matched": 1, "leads": 1}
    assert routing.route_pending(db, actor=ACTOR) == {"applications": 0, "matched": 0, "leads": 0}
