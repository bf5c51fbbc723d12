from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.applications.models import ApplicationStatus, ApplicationTransition, FinancingApplication
from app.audit.models import AuditEvent
from app.enterprises.models import Enterprise
from tests.factories import (
    application_fields,
    bearer,
    make_application,
    make_enterprise,
    make_lender,
    make_user,
)

URL = "/api/v1/applications"


def firm_user(db: Session, **enterprise: Any) -> tuple[Enterprise, User]:
    firm = make_enterprise(db, **enterprise)
    return firm, make_user(db, Role.ENTERPRISE, uscc=firm.uscc)


def counts(db: Session) -> list[int]:
    return [
        db.exec(select(func.count()).select_from(model)).one()
        for model in (FinancingApplication, ApplicationTransition, AuditEvent)
    ]


def test_an_enterprise_applies(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    bank = make_lender(db)
    payload = application_fields(
        amount_yuan="500000.50", term_months=36, product_type="collateral", lender_code=bank.code
    )
    response = client.post(URL, json=payload, headers=bearer(user))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["uscc"] == firm.uscc and body["amount_fen"] == 50_000_050
    assert (body["term_months"], body["lender_code"]) == (36, bank.code)
    assert (body["product_type"], body["product_type_label"]) == ("collateral", "抵押")
    assert (body["status"], body["status_label"]) == ("submitted", "已提交")
    [first] = body["transitions"]
    assert first["from_status"] is None and first["to_status"] == "submitted"
    assert first["actor"] == f"user:{user.id}"
    assert datetime.fromisoformat(first["at"]).utcoffset() == timedelta(0)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "application.submit")).one()
    assert event.subject_id == str(body["id"]) and event.actor == f"user:{user.id}"


BAD_INPUT = [
    pytest.param({"amount_yuan": "500000.001"}, "amount_yuan", id="three-decimals"),
    pytest.param({"amount_yuan": "-500000"}, "amount_yuan", id="negative"),
    pytest.param({"amount_yuan": "0"}, "amount_yuan", id="zero"),
    pytest.param({"amount_yuan": 500000.5}, "amount_yuan", id="json-float"),
    pytest.param({"amount_yuan": "100000000.01"}, "amount_yuan", id="too-large"),
    pytest.param({"term_months": 0}, "term_months", id="term-zero"),
    pytest.param({"term_months": 121}, "term_months", id="term-too-long"),
    pytest.param({"product_type": "mortgage"}, "product_type", id="bad-product-type"),
    pytest.param({"purpose": "用" * 501}, "purpose", id="purpose-too-long"),
    pytest.param({"green": "maybe"}, "green", id="bad-tag"),
]


@pytest.mark.parametrize(("override", "field"), BAD_INPUT)
def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient, db: Session, override: dict[str, Any], field: str
) -> None:
    _firm, user = firm_user(db)
    before = counts(db)
    response = client.post(URL, json=application_fields(**override), headers=bearer(user))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "validation_error" and problem["errors"][0]["loc"][-1] == field
    assert counts(db) == before


def test_unknown_and_inactive_banks_are_refused(client: TestClient, db: Session) -> None:
    _firm, user = firm_user(db)
    closed = make_lender(db)
    closed.is_active = False
    db.add(closed)
    db.flush()
    before = counts(db)
    unknown = client.post(
        URL, json=application_fields(lender_code="no-such-bank"), headers=bearer(user)
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_lender"
    inactive = client.post(
        URL, json=application_fields(lender_code=closed.code), headers=bearer(user)
    )
    assert inactive.status_code == 422 and inactive.json()["code"] == "lender_inactive"
    assert counts(db) == before


@pytest.mark.parametrize("status", ["deregistered", "revoked"])
def test_a_closed_enterprise_cannot_apply(client: TestClient, db: Session, status: str) -> None:
    _firm, user = firm_user(db, status=status)
    before = counts(db)
    response = client.post(URL, json=application_fields(), headers=bearer(user))
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "enterprise_not_active"
    assert response.json()["enterprise_status"] == status
    assert counts(db) == before


def test_each_enterprise_lists_only_its_own(client: TestClient, db: Session) -> None:
    firm_1, user_1 = firm_user(db)
    firm_2, user_2 = firm_user(db)
    older, newer = make_application(db, firm_1), make_application(db, firm_1)
    theirs = make_application(db, firm_2)
    own = client.get(URL, headers=bearer(user_1)).json()
    assert [a["id"] for a in own["data"]] == [newer.id, older.id] and own["count"] == 2
    # Asking for another firm's uscc still answers with the caller's own applications.
    sneaky = client.get(URL, params={"uscc": firm_2.uscc}, headers=bearer(user_1)).json()
    assert theirs.id not in [a["id"] for a in sneaky["data"]] and sneaky["count"] == 2
    other = client.get(URL, headers=bearer(user_2)).json()
    assert [a["id"] for a in other["data"]] == [theirs.id]


def test_office_lists_all_and_filters(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    firm_1, firm_2 = make_enterprise(db), make_enterprise(db)
    a, b = make_application(db, firm_1), make_application(db, firm_2)
    everyone = client.get(URL, headers=bearer(office)).json()
    assert {a.id, b.id} <= {x["id"] for x in everyone["data"]}
    one_firm = client.get(URL, params={"uscc": firm_2.uscc}, headers=bearer(office)).json()
    assert [x["id"] for x in one_firm["data"]] == [b.id]
    none = client.get(URL, params={"status": "withdrawn"}, headers=bearer(office)).json()
    assert none == {"data": [], "count": 0}
    bad = client.get(URL, params={"status": "lost"}, headers=bearer(office))
    assert bad.status_code == 422


def test_read_one_with_history(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    _other_firm, other_user = firm_user(db)
    office = make_user(db, Role.OFFICE)
    application = make_application(db, firm)
    path = f"{URL}/{application.id}"
    own = client.get(path, headers=bearer(user))
    assert own.status_code == 200 and own.json()["id"] == application.id
    assert [t["to_status"] for t in own.json()["transitions"]] == ["submitted"]
    assert client.get(path, headers=bearer(office)).status_code == 200
    # Another enterprise's application answers exactly as a missing one.
    foreign = client.get(path, headers=bearer(other_user))
    missing = client.get(f"{URL}/{(application.id or 0) + 10_000}", headers=bearer(other_user))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["code"] == missing.json()["code"] == "application_not_found"
    assert str(application.id) in foreign.json()["detail"]
    assert firm.uscc not in foreign.text


def test_withdraw_with_a_reason(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    application = make_application(db, firm)
    response = client.post(
        f"{URL}/{application.id}/withdraw", json={"reason": "已获得其他贷款"}, headers=bearer(user)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["status_label"]) == ("withdrawn", "已撤回")
    last = body["transitions"][-1]
    assert (last["from_status"], last["to_status"]) == ("submitted", "withdrawn")
    assert (last["reason"], last["actor"]) == ("已获得其他贷款", f"user:{user.id}")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "application.withdraw")).one()
    assert event.subject_id == str(application.id) and event.detail["reason"] == "已获得其他贷款"
    # Withdrawing twice is an illegal transition and changes nothing.
    before = counts(db)
    again = client.post(f"{URL}/{application.id}/withdraw", headers=bearer(user))
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    assert again.json()["from_status"] == "withdrawn" and again.json()["allowed"] == []
    assert counts(db) == before


def test_withdraw_needs_no_body(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    application = make_application(db, firm)
    response = client.post(f"{URL}/{application.id}/withdraw", headers=bearer(user))
    assert response.status_code == 200, response.text
    assert response.json()["transitions"][-1]["reason"] is None


def test_withdraw_with_a_bad_reason_changes_nothing(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    application = make_application(db, firm)
    before = counts(db)
    response = client.post(
        f"{URL}/{application.id}/withdraw", json={"reason": "因" * 501}, headers=bearer(user)
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert counts(db) == before
    db.expire_all()
    stored = db.get(FinancingApplication, application.id)
    assert stored is not None and stored.status is ApplicationStatus.SUBMITTED


def test_an_approved_application_cannot_be_withdrawn(client: TestClient, db: Session) -> None:
    firm, user = firm_user(db)
    application = make_application(db, firm)
    application.status = ApplicationStatus.APPROVED
    db.add(application)
    db.flush()
    before = counts(db)
    response = client.post(f"{URL}/{application.id}/withdraw", headers=bearer(user))
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert response.json()["to_status"] == "withdrawn"
    assert counts(db) == before


def test_staff_and_banks_cannot_withdraw_or_apply(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db)
    application = make_application(db, firm)
    bank = make_lender(db)
    before = counts(db)
    for role, extra in (
        (Role.OFFICE, {}),
        (Role.ADMIN, {}),
        (Role.LENDER_USER, {"lender_id": bank.id}),
    ):
        user = make_user(db, role, **extra)
        withdraw = client.post(f"{URL}/{application.id}/withdraw", headers=bearer(user))
        assert withdraw.status_code == 403 and withdraw.json()["code"] == "forbidden"
        apply = client.post(URL, json=application_fields(), headers=bearer(user))
        assert apply.status_code == 403
    assert counts(db) == before
