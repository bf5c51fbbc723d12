"""Leads over HTTP: a bank reads and answers its own, with consent, idempotently."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.consent import service as consent_service
from app.consent.models import Authorization
from app.outbox.models import OutboxEvent
from lenders.leads import routing
from lenders.leads.models import Lead, LeadStatus, LeadTransition
from tests.factories import bearer, make_api_key, make_user
from tests.leads_fixtures import ACTOR, Market

URL = "/api/v1/lender/leads"


@pytest.fixture
def offered(db: Session, market: Market) -> Lead:
    [lead] = routing.route(db, application=market.application, actor=ACTOR)
    return lead


def bank_key(db: Session, market: Market, lead: Lead) -> dict[str, str]:
    _key, secret = make_api_key(db, market.bank(lead.lender_code))
    return {"X-API-Key": secret}


def changes(db: Session) -> tuple[int, int, int]:
    """Counts that any state change moves: lead moves, outbox events, audit entries."""
    return (
        db.exec(select(func.count()).select_from(LeadTransition)).one(),
        db.exec(select(func.count()).select_from(OutboxEvent)).one(),
        db.exec(select(func.count()).select_from(AuditEvent)).one(),
    )


def test_a_bank_lists_its_leads_and_reads_one_with_its_payload(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    headers = bank_key(db, market, offered)
    listed = client.get(URL, params={"limit": 10, "offset": 0}, headers=headers)
    assert listed.status_code == 200, listed.text
    assert listed.json()["count"] == 1 and "payload" not in listed.json()["data"][0]
    read = client.get(f"{URL}/{offered.id}", headers=headers)
    assert read.status_code == 200
    body = read.json()
    assert body["status"] == "offered" and body["status_name"] == "已推送"
    assert body["payload"]["enterprise"]["uscc"] == market.firm.uscc
    assert [t["to_status"] for t in body["transitions"]] == ["offered"]
    assert body["deadlines"][0]["kind"] == "respond"
    audit = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "enterprise_data.read",
            AuditEvent.actor.startswith("api_key:"),  # type: ignore[attr-defined]
        )
    ).all()
    assert [a.detail["what"] for a in audit] == ["lead"]


def test_after_the_grant_is_revoked_the_bank_cannot_read_the_lead_again(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    headers = bank_key(db, market, offered)
    grant = db.exec(select(Authorization).where(Authorization.uscc == market.firm.uscc)).one()
    consent_service.revoke(
        db, uscc=market.firm.uscc, authorization_id=grant.id or 0, reason=None, actor=ACTOR
    )
    refused = client.get(f"{URL}/{offered.id}", headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"


def test_the_banks_read_carries_the_enterprises_contact_only_under_consent(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    market.firm.contact_phone = "13912345678"
    db.add(market.firm)
    db.flush()
    headers = bank_key(db, market, offered)
    body = client.get(f"{URL}/{offered.id}", headers=headers).json()
    assert body["contact"]["phone"] == "13912345678" and body["contact"]["source"] == "registry"
    assert "13912345678" not in json.dumps(body["payload"])  # never stored nor pushed
    office = bearer(make_user(db, Role.OFFICE))
    staff = client.get(f"/api/v1/leads/{offered.id}", headers=office).json()
    assert staff["contact"] is None
    grant = db.exec(select(Authorization).where(Authorization.uscc == market.firm.uscc)).one()
    consent_service.revoke(
        db, uscc=market.firm.uscc, authorization_id=grant.id or 0, reason=None, actor=ACTOR
    )
    refused = client.get(f"{URL}/{offered.id}", headers=headers)
    assert refused.status_code == 403 and "13912345678" not in refused.text


def test_accept_then_approve_over_http(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    headers = bank_key(db, market, offered)
    accepted = client.post(f"{URL}/{offered.id}/accept", headers=headers)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["decide_by"] is not None
    approved = client.post(
        f"{URL}/{offered.id}/approval",
        headers=headers,
        json={"amount_yuan": "450000.00", "rate_bp": 395, "term_months": 12},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_amount_yuan"] == "450000.00"
    db.expire_all()
    lead = db.get(Lead, offered.id)
    assert lead is not None and lead.approved_amount_fen == 45_000_000


def test_a_decline_names_its_reason_and_the_next_bank_gets_the_lead(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    response = client.post(
        f"{URL}/{offered.id}/decline",
        headers=bank_key(db, market, offered),
        json={"reason": "industry_restricted", "note": "本行暂不投放该行业"},
    )
    assert response.status_code == 200
    assert response.json()["decline_reason_name"] == "行业受限"
    leads = db.exec(select(Lead).order_by(Lead.id)).all()  # type: ignore[arg-type]
    assert [lead.status for lead in leads] == [LeadStatus.DECLINED, LeadStatus.OFFERED]


BAD_ANSWERS: list[tuple[str, dict[str, Any], str]] = [
    ("decline", {}, "validation_error"),
    ("decline", {"reason": "too_small"}, "validation_error"),
    ("decline", {"reason": "other"}, "note_required"),
    ("decline", {"reason": "credit_risk", "note": "x" * 501}, "validation_error"),
    ("decline", {"reason": "credit_risk", "extra": 1}, "validation_error"),
    ("approval", {"amount_yuan": 450000.0, "rate_bp": 395, "term_months": 12}, "validation_error"),
    ("approval", {"amount_yuan": "1.234", "rate_bp": 395, "term_months": 12}, "validation_error"),
    ("approval", {"amount_yuan": "450000", "rate_bp": 0, "term_months": 12}, "validation_error"),
    ("approval", {"amount_yuan": "450000", "rate_bp": 395}, "validation_error"),
    (
        "approval",
        {"amount_yuan": "450000", "rate_bp": 395, "term_months": 99},
        "approval_outside_product",
    ),
    ("rejection", {"note": "x" * 501}, "validation_error"),
]


@pytest.mark.parametrize(("answer", "body", "code"), BAD_ANSWERS)
def test_bad_answers_are_refused_and_change_nothing(
    client: TestClient,
    db: Session,
    market: Market,
    offered: Lead,
    answer: str,
    body: dict[str, Any],
    code: str,
) -> None:
    headers = bank_key(db, market, offered)
    if answer != "decline":
        assert client.post(f"{URL}/{offered.id}/accept", headers=headers).status_code == 200
    before = changes(db)
    response = client.post(f"{URL}/{offered.id}/{answer}", headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert changes(db) == before


def test_an_answer_out_of_order_is_a_conflict(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    response = client.post(
        f"{URL}/{offered.id}/rejection", headers=bank_key(db, market, offered), json={}
    )
    assert response.status_code == 409 and response.json()["code"] == "illegal_lead_transition"


def test_a_retried_accept_replays_and_a_reused_key_with_another_body_is_refused(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    headers = {**bank_key(db, market, offered), "Idempotency-Key": "accept-1"}
    first = client.post(f"{URL}/{offered.id}/accept", headers=headers)
    before = changes(db)
    again = client.post(f"{URL}/{offered.id}/accept", headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert changes(db) == before
    reused = client.post(
        f"{URL}/{offered.id}/rejection", headers=headers, json={"note": "another body"}
    )
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


def test_another_bank_is_told_the_lead_does_not_exist(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    other = next(b for b in market.banks if b.code != offered.lender_code)
    user = make_user(db, Role.LENDER_USER, lender_id=other.id)
    for method, path in (("GET", ""), ("POST", "/accept")):
        response = client.request(method, f"{URL}/{offered.id}{path}", headers=bearer(user))
        assert response.status_code == 404 and response.json()["code"] == "lead_not_found"
    assert client.get(URL, headers=bearer(user)).json()["count"] == 0


def test_the_enterprise_sees_where_its_application_went_and_why(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    firm = make_user(db, Role.ENTERPRISE, uscc=market.firm.uscc)
    app_id = market.application.id
    leads = client.get(f"/api/v1/applications/{app_id}/leads", headers=bearer(firm))
    assert [x["lender_code"] for x in leads.json()["data"]] == [offered.lender_code]
    matches = client.get(f"/api/v1/applications/{app_id}/matches", headers=bearer(firm))
    assert [m["rank"] for m in matches.json()] == [1, 2, 3]
    assert matches.json()[0]["reasons"][1]["code"] == "price"


def test_staff_filter_leads_by_bank_and_status(
    client: TestClient, db: Session, market: Market, offered: Lead
) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    mine = client.get(
        "/api/v1/leads",
        params={"lender_code": offered.lender_code, "status": "offered", "limit": 5},
        headers=office,
    )
    assert mine.json()["count"] == 1
    none = client.get("/api/v1/leads", params={"status": "approved"}, headers=office)
    assert none.json()["count"] == 0
    bad = client.get("/api/v1/leads", params={"status": "lost"}, headers=office)
    assert bad.status_code == 422
    detail = client.get(f"/api/v1/leads/{offered.id}", headers=office)
    assert detail.status_code == 200 and detail.json()["payload"]["lead_id"] == offered.id
    missing = client.get("/api/v1/leads/999999", headers=office)
    assert missing.status_code == 404 and missing.json()["code"] == "lead_not_found"
