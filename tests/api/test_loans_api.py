"""Loans over HTTP: a bank reports on its own loans only; bad input changes nothing; retries
replay."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import Role
from app.applications.models import ApplicationStatus
from app.audit.models import AuditEvent
from app.enterprises.models import Enterprise
from lenders.institutions.models import Lender
from lenders.leads.models import Lead, LeadStatus
from lenders.loans.models import DelinquencyReport, Loan, LoanRecovery, LoanRepayment
from tests.factories import bearer, make_api_key, make_lender, make_user
from tests.lenders.loans.helpers import (
    approved_lead,
    days_ago,
    disbursement,
    make_defaulted_loan,
    make_loan,
)

LENDER = "/api/v1/lender"


def bank_with_staff(db: Session) -> tuple[Lender, dict[str, str], dict[str, str]]:
    bank = make_lender(db)
    user = make_user(db, Role.LENDER_USER, lender_id=bank.id)
    _api_key, key = make_api_key(db, bank)
    return bank, bearer(user), {"X-API-Key": key}


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def state(db: Session) -> tuple[int, ...]:
    """Rows of every loan table and the audit log: unchanged means nothing happened."""
    db.expire_all()
    tables = (Loan, LoanRepayment, DelinquencyReport, LoanRecovery, AuditEvent)
    return tuple(db.exec(select(func.count()).select_from(t)).one() for t in tables)


def loan_row(db: Session, loan_id: int) -> dict[str, Any]:
    db.expire_all()
    loan = db.get(Loan, loan_id)
    assert loan is not None
    return loan.model_dump()


def repayment(**overrides: Any) -> dict[str, Any]:
    body = {
        "period": days_ago(0).strftime("%Y-%m"),
        "paid_on": days_ago(1).isoformat(),
        "principal_yuan": "100000.00",
        "interest_yuan": "1400.50",
    }
    return {**body, **overrides}


def dpd(**overrides: Any) -> dict[str, Any]:
    return {"as_of": days_ago(1).isoformat(), "days_past_due": 15, **overrides}


def default(**overrides: Any) -> dict[str, Any]:
    return {"defaulted_on": days_ago(1).isoformat(), **overrides}


def recovery(**overrides: Any) -> dict[str, Any]:
    return {"recovered_on": days_ago(0).isoformat(), "amount_yuan": "5000.00", **overrides}


def test_a_bank_disburses_an_approved_lead(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    approved = approved_lead(db, lender=bank)
    body = disbursement(amount_yuan="450000.10", contract_id="HZ-2026-1")
    response = client.post(
        f"{LENDER}/leads/{approved.lead.id}/disbursement", json=body, headers=user
    )
    assert response.status_code == 201, response.text
    loan = response.json()
    assert (loan["principal_fen"], loan["principal_yuan"]) == (45_000_010, "450000.10")
    assert (loan["outstanding_yuan"], loan["recovered_yuan"]) == ("450000.10", "0.00")
    assert (loan["status"], loan["status_label"], loan["first_loan"]) == ("current", "正常", True)
    assert (loan["lender_code"], loan["uscc"]) == (bank.code, approved.enterprise.uscc)
    assert (loan["rate_bp"], loan["term_months"]) == (420, 12)
    assert loan["disbursed_on"] == body["disbursed_on"] and loan["repayments"] == []
    db.expire_all()
    assert approved.lead.status is LeadStatus.DISBURSED
    assert approved.application.status is ApplicationStatus.DISBURSED
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "loan.disburse")).one()
    assert event.actor_role == "lender_user" and event.subject_id == str(loan["id"])


def test_a_loan_is_serviced_to_default_and_recovery_by_the_banks_system(
    client: TestClient, db: Session
) -> None:
    bank, _user, system = bank_with_staff(db)
    approved = approved_lead(db, lender=bank)
    made = client.post(
        f"{LENDER}/leads/{approved.lead.id}/disbursement", json=disbursement(), headers=system
    )
    assert made.status_code == 201, made.text
    url = f"{LENDER}/loans/{made.json()['id']}"
    paid = client.post(f"{url}/repayments", json=repayment(), headers=system)
    assert paid.status_code == 201, paid.text
    assert paid.json()["outstanding_yuan"] == "300000.00"
    assert paid.json()["repayments"][0]["interest_yuan"] == "1400.50"
    late = client.post(f"{url}/delinquency", json=dpd(), headers=system)
    assert late.status_code == 201 and late.json()["status"] == "overdue"
    assert late.json()["delinquency_reports"][0]["days_past_due"] == 15
    gone = client.post(f"{url}/default", json=default(), headers=system)
    assert gone.status_code == 200, gone.text
    assert (gone.json()["status"], gone.json()["outstanding_at_default_yuan"]) == (
        "defaulted",
        "300000.00",
    )
    back = client.post(f"{url}/recoveries", json=recovery(), headers=system)
    assert back.status_code == 201 and back.json()["recovered_yuan"] == "5000.00"
    read = client.get(url, headers=system).json()
    assert [len(read[k]) for k in ("repayments", "delinquency_reports", "recoveries")] == [1, 1, 1]
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.subject_type == "loan")).all()
    assert sorted(actions) == sorted(
        ["loan.disburse", "loan.repayment", "loan.delinquency", "loan.default", "loan.recovery"]
    )


def route_cases(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    loan, defaulted, lead = world["loan"], world["defaulted"], world["lead"]
    return [
        (f"{LENDER}/leads/{lead}/disbursement", disbursement()),
        (f"{LENDER}/loans/{loan}/repayments", repayment()),
        (f"{LENDER}/loans/{loan}/delinquency", dpd()),
        (f"{LENDER}/loans/{loan}/default", default()),
        (f"{LENDER}/loans/{defaulted}/recoveries", recovery()),
    ]


@pytest.fixture
def bank_a_world(db: Session) -> dict[str, Any]:
    bank, user, system = bank_with_staff(db)
    return {
        "bank": bank,
        "user": user,
        "system": system,
        "loan": make_loan(db, lender=bank).id,
        "defaulted": make_defaulted_loan(db, lender=bank).id,
        "lead": approved_lead(db, lender=bank).lead.id,
    }


def test_another_bank_gets_404_on_every_loan_route_and_changes_nothing(
    client: TestClient, db: Session, bank_a_world: dict[str, Any]
) -> None:
    _bank_b, user_b, system_b = bank_with_staff(db)
    before = state(db)
    for url, body in route_cases(bank_a_world):
        for headers in (user_b, system_b):
            response = client.post(url, json=body, headers=headers)
            assert response.status_code == 404, (url, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            expected = "lead_not_found" if "/leads/" in url else "loan_not_found"
            assert response.json()["code"] == expected
    for loan in (bank_a_world["loan"], bank_a_world["defaulted"]):
        read = client.get(f"{LENDER}/loans/{loan}", headers=system_b)
        assert read.status_code == 404 and read.json()["code"] == "loan_not_found"
    assert client.get(f"{LENDER}/loans", headers=user_b).json() == {"data": [], "count": 0}
    assert state(db) == before


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("office", 403), ("admin", 403), ("firm", 403)]
)
def test_only_banks_report_on_loans(
    client: TestClient, db: Session, bank_a_world: dict[str, Any], who: str, status: int
) -> None:
    roles = {"office": Role.OFFICE, "admin": Role.ADMIN, "firm": Role.ENTERPRISE}
    headers: dict[str, str] = {}
    if who == "firm":
        loan = db.get(Loan, bank_a_world["loan"])
        assert loan is not None
        headers = bearer(make_user(db, Role.ENTERPRISE, uscc=loan.uscc))
    elif who in roles:
        headers = bearer(make_user(db, roles[who]))
    before = state(db)
    for url, body in route_cases(bank_a_world):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == status, (url, response.text)
    assert state(db) == before


BAD_INPUT = [
    ("disbursement", {"amount_yuan": 400000.5}, "validation_error"),
    ("disbursement", {"amount_yuan": "500000.01"}, "amount_above_approved"),
    ("disbursement", {"disbursed_on": "2999-01-01"}, "date_in_future"),
    ("disbursement", {"rate_bp": 4.2}, "validation_error"),
    ("disbursement", {"lender_code": "another"}, "validation_error"),
    ("repayments", {"period": "2026-13"}, "validation_error"),
    ("repayments", {"principal_yuan": "400000.01"}, "repayment_exceeds_outstanding"),
    ("repayments", {"principal_yuan": "0", "interest_yuan": "0"}, "empty_repayment"),
    ("repayments", {"interest_yuan": "1.001"}, "validation_error"),
    ("delinquency", {"days_past_due": -1}, "validation_error"),
    ("delinquency", {"days_past_due": 400}, "days_past_due_implausible"),
    ("delinquency", {"as_of": "2999-01-01"}, "date_in_future"),
    ("default", {"outstanding_yuan": "400000.01"}, "outstanding_above_balance"),
    ("default", {"defaulted_on": "2000-01-01"}, "date_out_of_order"),
    ("default", {"defaulted_on": "not a date"}, "validation_error"),
    ("recoveries", {"amount_yuan": "400000.01"}, "recovery_exceeds_loss"),
    ("recoveries", {"amount_yuan": "-5"}, "validation_error"),
]


@pytest.mark.parametrize(("route", "change", "code"), BAD_INPUT)
def test_bad_input_is_a_clear_422_and_changes_nothing(
    client: TestClient,
    db: Session,
    bank_a_world: dict[str, Any],
    route: str,
    change: dict[str, Any],
    code: str,
) -> None:
    url, body = next((u, b) for u, b in route_cases(bank_a_world) if u.endswith(route))
    loan_id = bank_a_world["defaulted" if route == "recoveries" else "loan"]
    before, row = state(db), loan_row(db, loan_id)
    response = client.post(
        url, json={**body, **change}, headers=keyed(bank_a_world["user"], "bad-1")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code and response.json()["detail"]
    assert state(db) == before and loan_row(db, loan_id) == row
    lead = db.get(Lead, bank_a_world["lead"])
    assert lead is not None and lead.status is LeadStatus.APPROVED


# For each route, a change of body that the same key must refuse.
CHANGED: dict[str, dict[str, Any]] = {
    "disbursement": {"amount_yuan": "1.00"},
    "repayments": {"interest_yuan": "1.00"},
    "delinquency": {"days_past_due": 0},
    "default": {"outstanding_yuan": "1.00"},
    "recoveries": {"amount_yuan": "1.00"},
}


@pytest.mark.parametrize("route", list(CHANGED))
def test_a_retry_replays_and_a_reused_key_is_refused(
    client: TestClient, db: Session, bank_a_world: dict[str, Any], route: str
) -> None:
    url, body = next((u, b) for u, b in route_cases(bank_a_world) if u.endswith(route))
    user, system = bank_a_world["user"], bank_a_world["system"]
    first = client.post(url, json=body, headers=keyed(user, f"{route}-1"))
    assert first.status_code in (200, 201), first.text
    after_first = state(db)
    again = client.post(url, json=body, headers=keyed(system, f"{route}-1"))  # same bank
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    assert state(db) == after_first
    other = {**body, **CHANGED[route]}
    reused = client.post(url, json=other, headers=keyed(user, f"{route}-1"))
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert state(db) == after_first


def test_the_same_period_again_is_a_conflict_unless_it_is_the_replay(
    client: TestClient, db: Session, bank_a_world: dict[str, Any]
) -> None:
    url = f"{LENDER}/loans/{bank_a_world['loan']}/repayments"
    user = bank_a_world["user"]
    assert client.post(url, json=repayment(), headers=keyed(user, "p-1")).status_code == 201
    replay = client.post(url, json=repayment(), headers=keyed(user, "p-1"))
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    before = state(db)
    twice = client.post(url, json=repayment(), headers=user)
    assert twice.status_code == 409 and twice.json()["code"] == "repayment_exists"
    new_key = client.post(url, json=repayment(), headers=keyed(user, "p-2"))
    assert new_key.status_code == 409 and new_key.json()["code"] == "repayment_exists"
    assert state(db) == before
    assert loan_row(db, bank_a_world["loan"])["outstanding_fen"] == 30_000_000


def test_state_conflicts_over_http(
    client: TestClient, db: Session, bank_a_world: dict[str, Any]
) -> None:
    user, loan, defaulted = bank_a_world["user"], bank_a_world["loan"], bank_a_world["defaulted"]
    cases = [
        (f"{LENDER}/loans/{defaulted}/default", default(), "already_defaulted"),
        (f"{LENDER}/loans/{defaulted}/repayments", repayment(), "loan_defaulted"),
        (f"{LENDER}/loans/{loan}/recoveries", recovery(), "loan_not_defaulted"),
    ]
    before = state(db)
    for url, body, code in cases:
        response = client.post(url, json=body, headers=user)
        assert response.status_code == 409 and response.json()["code"] == code, response.text
    assert state(db) == before
    loan_row_before = loan_row(db, loan)
    lead_url = f"{LENDER}/leads/{bank_a_world['lead']}/disbursement"
    assert client.post(lead_url, json=disbursement(), headers=user).status_code == 201
    again = client.post(lead_url, json=disbursement(), headers=user)
    assert again.status_code == 409 and again.json()["code"] == "lead_not_approved"
    taken = loan_row_before["contract_id"]
    other = approved_lead(db, lender=bank_a_world["bank"]).lead.id
    clash = client.post(
        f"{LENDER}/leads/{other}/disbursement",
        json=disbursement(contract_id=taken),
        headers=user,
    )
    assert clash.status_code == 409 and clash.json()["code"] == "contract_id_taken"


def test_reads_for_banks_office_and_the_enterprise(client: TestClient, db: Session) -> None:
    bank_a, user_a, _ = bank_with_staff(db)
    bank_b, user_b, _ = bank_with_staff(db)
    first = make_loan(db, lender=bank_a)
    defaulted = make_defaulted_loan(db, lender=bank_a)
    firm = db.get(Enterprise, first.uscc)
    second_of_firm = make_loan(db, lender=bank_b, enterprise=firm)
    own = client.get(f"{LENDER}/loans", headers=user_a).json()
    assert own["count"] == 2 and [r["id"] for r in own["data"]] == [defaulted.id, first.id]
    only = client.get(f"{LENDER}/loans", params={"status": "defaulted"}, headers=user_a).json()
    assert [r["id"] for r in only["data"]] == [defaulted.id]
    firsts = client.get(f"{LENDER}/loans", params={"first_loan": "false"}, headers=user_b).json()
    assert [r["id"] for r in firsts["data"]] == [second_of_firm.id]
    bad = client.get(f"{LENDER}/loans", params={"status": "lost"}, headers=user_a)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"

    office = bearer(make_user(db, Role.OFFICE))
    everything = client.get("/api/v1/loans", params={"limit": 500}, headers=office).json()
    assert {first.id, defaulted.id, second_of_firm.id} <= {r["id"] for r in everything["data"]}
    of_b = client.get("/api/v1/loans", params={"lender_code": bank_b.code}, headers=office)
    assert [r["id"] for r in of_b.json()["data"]] == [second_of_firm.id]
    of_firm = client.get("/api/v1/loans", params={"uscc": first.uscc}, headers=office).json()
    assert {r["id"] for r in of_firm["data"]} == {first.id, second_of_firm.id}

    firm = bearer(make_user(db, Role.ENTERPRISE, uscc=first.uscc))
    mine = client.get(f"/api/v1/enterprises/{first.uscc}/loans", headers=firm).json()
    assert {r["id"] for r in mine["data"]} == {first.id, second_of_firm.id}
    theirs = client.get(f"/api/v1/enterprises/{defaulted.uscc}/loans", headers=firm)
    assert theirs.status_code == 404
