"""Consent over HTTP: grant, list, revoke; banks read only under a grant; every read logged."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.consent.models import Authorization
from app.enterprises.models import Enterprise
from lenders.institutions.models import Lender
from tests.factories import bearer, make_authorization, make_enterprise, make_lender, make_user


def firm_user(db: Session) -> tuple[Enterprise, User]:
    firm = make_enterprise(db)
    return firm, make_user(db, Role.ENTERPRISE, uscc=firm.uscc)


def bank_user(db: Session) -> tuple[Lender, User]:
    bank = make_lender(db)
    return bank, make_user(db, Role.LENDER_USER, lender_id=bank.id)


def url(firm: Enterprise, rest: str = "") -> str:
    return f"/api/v1/enterprises/{firm.uscc}/authorizations{rest}"


def counts(db: Session) -> list[int]:
    return [
        db.exec(select(func.count()).select_from(model)).one()
        for model in (Authorization, AuditEvent)
    ]


def test_an_enterprise_grants_lists_and_revokes(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    bank = make_lender(db)
    body = {"scope": "named_banks", "lender_codes": [bank.code], "valid_until": "2027-06-30"}
    granted = client.post(url(firm), json=body, headers=bearer(user))
    assert granted.status_code == 201, granted.text
    grant = granted.json()
    assert grant["active"] and grant["scope_label"] == "共享给指定银行"
    assert grant["expires_at"] == "2027-06-30T16:00:00Z"  # midnight in China, stored in UTC
    listed = client.get(url(firm), headers=bearer(user)).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == grant["id"]
    revoked = client.post(
        url(firm, f"/{grant['id']}/revoke"), json={"reason": "换银行"}, headers=bearer(user)
    )
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False and revoked.json()["revoke_reason"] == "换银行"
    again = client.post(url(firm, f"/{grant['id']}/revoke"), headers=bearer(user))
    assert again.status_code == 409 and again.json()["code"] == "authorization_not_active"


BAD_GRANTS: list[tuple[dict[str, Any], str]] = [
    ({"scope": "named_banks"}, "validation_error"),
    ({"scope": "named_banks", "lender_codes": ["no-such-bank"]}, "invalid_authorization"),
    ({"scope": "assessment", "valid_until": "2020-01-01"}, "invalid_authorization"),
    ({"scope": "assessment", "valid_until": "2099-01-01"}, "invalid_authorization"),
    ({"scope": "assessment", "valid_until": "tomorrow"}, "validation_error"),
    ({"scope": "all"}, "validation_error"),
    ({"scope": "assessment", "purpose": "marketing"}, "validation_error"),
    ({}, "validation_error"),
]


@pytest.mark.parametrize(("body", "code"), BAD_GRANTS)
def test_bad_grants_are_refused_and_change_nothing(
    client: TestClient, db: Session, body: dict[str, Any], code: str
) -> None:
    firm, user = firm_user(db)
    before = counts(db)
    response = client.post(url(firm), json=body, headers=bearer(user))
    assert response.status_code == 422 and response.json()["code"] == code, response.text
    assert counts(db) == before


def test_revoking_an_unknown_grant_is_404(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    response = client.post(url(firm, "/999999/revoke"), headers=bearer(user))
    assert response.status_code == 404 and response.json()["code"] == "authorization_not_found"


def test_a_bank_reads_score_and_profile_only_while_authorized(
    client: TestClient, db: Session
) -> None:
    firm, firm_login = firm_user(db)
    bank, banker = bank_user(db)
    profile = f"/api/v1/enterprises/{firm.uscc}"
    refused = client.get(profile, headers=bearer(banker))
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"
    grant = make_authorization(db, firm.uscc, lender_codes=[bank.code])
    db.commit()
    assert client.get(profile, headers=bearer(banker)).status_code == 200
    client.post(url(firm, f"/{grant.id}/revoke"), headers=bearer(firm_login))
    after = client.get(profile, headers=bearer(banker))
    assert after.status_code == 403 and after.json()["code"] == "consent_required"


def test_the_enterprise_sees_who_read_its_data(client: TestClient, db: Session) -> None:
    firm, firm_login = firm_user(db)
    bank, banker = bank_user(db)
    office = make_user(db, Role.OFFICE)
    grant = make_authorization(db, firm.uscc, lender_codes=[bank.code])
    db.commit()
    client.get(f"/api/v1/enterprises/{firm.uscc}", headers=bearer(banker))
    client.get(f"/api/v1/enterprises/{firm.uscc}", headers=bearer(office))
    client.get(f"/api/v1/enterprises/{firm.uscc}", headers=bearer(firm_login))  # not logged
    log = client.get(f"/api/v1/enterprises/{firm.uscc}/data-access", headers=bearer(firm_login))
    assert log.status_code == 200
    entries = log.json()["data"]
    assert log.json()["count"] == 2
    office_read, bank_read = entries  # newest first
    assert bank_read["reader"] == f"user:{banker.id}" and bank_read["lender_code"] == bank.code
    assert bank_read["authorization_id"] == grant.id and bank_read["what"] == "profile"
    assert office_read["basis"] == "supervision" and office_read["authorization_id"] is None


def test_another_enterprise_cannot_grant_for_a_firm(client: TestClient, db: Session) -> None:
    firm, _ = firm_user(db)
    _other, intruder = firm_user(db)
    before = counts(db)
    response = client.post(url(firm), json={"scope": "assessment"}, headers=bearer(intruder))
    assert response.status_code == 404 and counts(db) == before
