"""The fund over HTTP, the office's side: the overview, contributions, agreements, claims with
maker-checker, suspensions; who may call them; and hostile input refused with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from lenders.fund.ledger import repository as ledger_repository
from lenders.fund.models import ClaimStatus, CooperationAgreement, FundClaim
from lenders.loans.dates import today
from tests.factories import bearer, make_enterprise, make_user
from tests.lenders.fund import office_world
from tests.lenders.fund.office_world import FundWorld


@pytest.fixture
def world(db: Session) -> FundWorld:
    return office_world.build(db)


@pytest.fixture
def office(db: Session) -> User:
    return make_user(db, Role.OFFICE)


def as_(user: User, **more: str) -> dict[str, str]:
    return {**bearer(user), **more}


def ledger_state(db: Session) -> tuple[Any, ...]:
    """Every account's totals, the transfers, agreements and claims: what a refusal must keep."""
    db.expire_all()
    accounts = [
        (a.code, a.debits_posted_fen, a.credits_posted_fen) for a in ledger_repository.accounts(db)
    ]
    claims = [(c.id, c.status, c.amount_fen) for c in db.exec(select(FundClaim))]
    versions = db.exec(select(func.count()).select_from(CooperationAgreement)).one()
    return accounts, ledger_repository.transfer_figures(db), sorted(claims), versions


def test_the_overview_shows_the_fund_in_yuan_strings(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    response = client.get("/api/v1/fund", headers=as_(office))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["today"] == today().isoformat()
    assert body["position"]["capital"] == [
        {"contributor": "office", "amount_fen": 100_000_000, "amount_yuan": "1000000.00"}
    ]
    assert body["position"]["paid_yuan"] == "80000.00"
    assert body["position"]["recovered_yuan"] == "20000.00"
    banks = {b["lender_code"]: b for b in body["banks"]}
    a = banks[world.bank_a.code]
    assert a["agreement"]["version"] == 1 and a["agreement"]["allocation_yuan"] == "500000.00"
    assert a["allocation_left_yuan"] == "440000.00" and a["suspended"] is True
    assert a["npl_bp"] > a["suspension_npl_bp"] == 500 and a["open_claims"] == 2
    pipeline = {s["status"]: s for s in body["pipeline"]["by_status"]}
    assert pipeline["filed"]["count"] == 1 and pipeline["filed"]["status_label"] == "已申报"
    assert body["pipeline"]["open_count"] == 2


def test_a_contribution_is_one_journal_entry_and_a_retry_changes_nothing(
    client: TestClient, db: Session, office: User
) -> None:
    headers = as_(office, **{"Idempotency-Key": "capital-2027-01"})
    first = client.post(
        "/api/v1/fund/contributions", headers=headers, json={"amount_yuan": "2500000.50"}
    )
    assert first.status_code == 201, first.text
    assert first.json()["amount_fen"] == 250_000_050 and first.json()["contributor"] == "office"
    again = client.post(
        "/api/v1/fund/contributions", headers=headers, json={"amount_yuan": "2500000.50"}
    )
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    other = client.post(
        "/api/v1/fund/contributions",
        headers=as_(office),
        json={"amount_yuan": "100", "contributor": "district-wuxing"},
    )
    assert other.status_code == 201
    position = client.get("/api/v1/fund", headers=as_(office)).json()["position"]
    assert position["total_capital_yuan"] == "2500100.50"
    assert position["unallocated_fen"] == 250_010_050
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "fund.contribute")).all()
    assert len(audited) == 2


def test_signing_a_new_version_and_reading_the_history(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    path = f"/api/v1/fund/agreements/{world.bank_b.code}"
    terms = {
        "effective_from": today().isoformat(),
        "allocation_yuan": "150000",
        "leverage": 8,
        "compensation_ratio_bp": 5000,
        "second_approval_above_yuan": "50000",
    }
    signed = client.post(path, headers=as_(office), json=terms)
    assert signed.status_code == 201, signed.text
    body = signed.json()
    assert (body["version"], body["leverage"], body["allocation_yuan"]) == (2, 8, "150000.00")
    assert body["second_approval_above_fen"] == 5_000_000
    history = client.get(path, headers=as_(office)).json()
    assert [v["version"] for v in history["data"]] == [1, 2] and history["count"] == 2
    missing = client.get("/api/v1/fund/agreements/no-such-bank", headers=as_(office))
    assert missing.status_code == 404 and missing.json()["code"] == "lender_not_found"


def test_an_allocation_beyond_the_fund_is_a_conflict_and_nothing_moves(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    before = ledger_state(db)
    response = client.post(
        f"/api/v1/fund/agreements/{world.bank_b.code}",
        headers=as_(office),
        json={"effective_from": today().isoformat(), "allocation_yuan": "900000000"},
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "fund_allocation_exceeds_fund"
    assert ledger_state(db) == before


def test_claims_are_listed_with_ages_and_filtered(
    client: TestClient, world: FundWorld, office: User
) -> None:
    every = client.get("/api/v1/fund/claims", headers=as_(office)).json()
    assert every["count"] == 3 and all(c["age_days"] == 0 for c in every["data"])
    assert {c["lender_name"] for c in every["data"]} == {world.bank_a.name}
    filed = client.get("/api/v1/fund/claims?status=filed", headers=as_(office)).json()
    assert [c["id"] for c in filed["data"]] == [world.filed.id]
    none = client.get(
        f"/api/v1/fund/claims?lender_code={world.bank_b.code}", headers=as_(office)
    ).json()
    assert none == {"data": [], "count": 0}
    paged = client.get("/api/v1/fund/claims?offset=2&limit=1", headers=as_(office)).json()
    assert paged["count"] == 3 and [c["id"] for c in paged["data"]] == [world.reviewed.id]


def test_a_claim_reads_with_its_steps_and_a_missing_one_is_404(
    client: TestClient, world: FundWorld, office: User
) -> None:
    response = client.get(f"/api/v1/fund/claims/{world.paid.id}", headers=as_(office))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "paid" and body["amount_yuan"] == "80000.00"
    assert body["returned_yuan"] == "20000.00"
    assert [s["action"] for s in body["steps"]][:4] == [
        "fund.claim.file",
        "fund.claim.review",
        "fund.claim.approve",
        "fund.claim.pay",
    ]
    missing = client.get("/api/v1/fund/claims/999999", headers=as_(office))
    assert missing.status_code == 404 and missing.json()["code"] == "fund_claim_not_found"
    acted = client.post("/api/v1/fund/claims/999999/review", headers=as_(office))
    assert acted.status_code == 404 and acted.json()["code"] == "fund_claim_not_found"


def test_maker_checker_over_http_then_a_second_approval_then_payment_and_write_off(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    second, third = make_user(db, Role.OFFICE), make_user(db, Role.ADMIN)
    path = f"/api/v1/fund/claims/{world.filed.id}"
    reviewed = client.post(f"{path}/review", headers=as_(office))
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    before = ledger_state(db)
    refused = client.post(f"{path}/approve", headers=as_(office))
    assert refused.status_code == 409 and refused.json()["code"] == "fund_claim_same_hands"
    assert refused.json()["detail"] == "审核人不能批准同一笔代偿"
    assert ledger_state(db) == before
    first = client.post(f"{path}/approve", headers=as_(second))
    assert first.json()["status"] == "awaiting_second_approval"  # 160,000 > 100,000
    again = client.post(f"{path}/approve", headers=as_(second))
    assert again.status_code == 409 and again.json()["code"] == "fund_claim_same_hands"
    approved = client.post(f"{path}/approve", headers=as_(third))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["amount_yuan"] == "160000.00"
    early = client.post(f"{path}/write-off", headers=as_(office))
    assert early.status_code == 409 and early.json()["code"] == "fund_claim_wrong_step"
    paid = client.post(f"{path}/pay", headers=as_(office))
    assert paid.json()["status"] == "paid"
    twice = client.post(f"{path}/pay", headers=as_(office))
    assert twice.status_code == 409 and twice.json()["code"] == "fund_claim_wrong_step"
    closed = client.post(f"{path}/write-off", headers=as_(office))
    assert closed.status_code == 200 and closed.json()["status"] == "written_off"
    steps = [s["action"] for s in closed.json()["steps"]]
    assert steps[-4:] == [
        "fund.claim.approve_first",
        "fund.claim.approve",
        "fund.claim.pay",
        "fund.claim.write_off",
    ]


def test_a_rejection_keeps_its_reason(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    path = f"/api/v1/fund/claims/{world.reviewed.id}/reject"
    response = client.post(path, headers=as_(office), json={"reason": "材料不全，缺少催收记录"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "材料不全，缺少催收记录"
    assert response.json()["steps"][-1]["rejection_reason"] == "材料不全，缺少催收记录"
    again = client.post(path, headers=as_(office), json={"reason": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "fund_claim_wrong_step"


def test_suspensions_of_a_bank(client: TestClient, world: FundWorld, office: User) -> None:
    body = client.get(f"/api/v1/fund/suspensions/{world.bank_a.code}", headers=as_(office)).json()
    assert body["count"] == 1 and body["suspended"] is True
    assert body["data"][0]["reinstated_at"] is None and body["suspension_npl_bp"] == 500
    quiet = client.get(f"/api/v1/fund/suspensions/{world.bank_b.code}", headers=as_(office))
    assert quiet.json()["count"] == 0 and quiet.json()["suspended"] is False
    missing = client.get("/api/v1/fund/suspensions/no-such-bank", headers=as_(office))
    assert missing.status_code == 404


def test_a_bank_and_an_enterprise_are_refused(
    client: TestClient, db: Session, world: FundWorld
) -> None:
    banker = make_user(db, Role.LENDER_USER, lender_id=world.bank_a.id)
    firm = make_enterprise(db)
    owner = make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    before = ledger_state(db)
    for user in (banker, owner):
        for method, path in (
            ("GET", "/api/v1/fund"),
            ("GET", f"/api/v1/fund/claims/{world.filed.id}"),
            ("POST", f"/api/v1/fund/claims/{world.filed.id}/review"),
            ("POST", "/api/v1/fund/contributions"),
        ):
            body = {"amount_yuan": "100"} if path.endswith("contributions") else None
            response = client.request(method, path, headers=as_(user), json=body)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["code"] == "forbidden"
    assert ledger_state(db) == before


HOSTILE_AMOUNTS = [
    pytest.param("1" * 16, id="oversized"),
    pytest.param("-100", id="negative"),
    pytest.param(100.5, id="json-float"),
    pytest.param("1e6", id="float-looking"),
    pytest.param("一百", id="non-numeric"),
    pytest.param("0", id="zero"),
    pytest.param("1,000", id="comma"),
]


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS)
def test_hostile_contributions_are_422_and_change_nothing(
    client: TestClient, db: Session, world: FundWorld, office: User, amount: Any
) -> None:
    before = ledger_state(db)
    response = client.post(
        "/api/v1/fund/contributions", headers=as_(office), json={"amount_yuan": amount}
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert ledger_state(db) == before


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"allocation_yuan": "-1"}, id="negative"),
        pytest.param({"allocation_yuan": 1.5}, id="json-float"),
        pytest.param({"allocation_yuan": "1" * 16}, id="oversized"),
        pytest.param({"enterprise_cap_yuan": "abc"}, id="non-numeric"),
        pytest.param({"leverage": 0}, id="leverage"),
        pytest.param({"reinstatement_npl_bp": 900}, id="lines-crossed"),
        pytest.param({"surprise": 1}, id="unknown-field"),
    ],
)
def test_hostile_terms_are_422_and_change_nothing(
    client: TestClient, db: Session, world: FundWorld, office: User, changes: dict[str, Any]
) -> None:
    before = ledger_state(db)
    terms = {"effective_from": today().isoformat(), "allocation_yuan": "100", **changes}
    response = client.post(
        f"/api/v1/fund/agreements/{world.bank_b.code}", headers=as_(office), json=terms
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert ledger_state(db) == before


def test_terms_naming_another_bank_s_product_are_refused_by_the_service(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    before = ledger_state(db)
    terms = {
        "effective_from": today().isoformat(),
        "allocation_yuan": "100",
        "eligible_product_ids": [2_000_000_000],
    }
    response = client.post(
        f"/api/v1/fund/agreements/{world.bank_b.code}", headers=as_(office), json=terms
    )
    assert response.status_code == 422 and response.json()["code"] == "fund_invalid_terms"
    assert ledger_state(db) == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"reason": "材料\x00不全"}, id="nul"),
        pytest.param({"reason": "材料\n不全"}, id="newline"),
        pytest.param({"reason": "\x1b[31m"}, id="escape"),
        pytest.param({"reason": ""}, id="empty"),
        pytest.param({"reason": "长" * 501}, id="too-long"),
        pytest.param({"reason": "材料不全", "extra": 1}, id="unknown-field"),
        pytest.param({}, id="missing"),
    ],
)
def test_hostile_rejections_are_422_and_change_nothing(
    client: TestClient, db: Session, world: FundWorld, office: User, body: dict[str, Any]
) -> None:
    before = ledger_state(db)
    response = client.post(
        f"/api/v1/fund/claims/{world.filed.id}/reject", headers=as_(office), json=body
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert ledger_state(db) == before
    db.expire_all()
    still = db.get(FundClaim, world.filed.id)
    assert still is not None and still.status is ClaimStatus.FILED


@pytest.mark.parametrize(
    "query",
    [
        "offset=99999999999",
        "offset=-1",
        "limit=0",
        "limit=100000",
        "status=lost",
        "lender_code=" + "x" * 33,
        "offset=abc",
    ],
)
def test_hostile_list_queries_are_422(client: TestClient, office: User, query: str) -> None:
    response = client.get(f"/api/v1/fund/claims?{query}", headers=as_(office))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


@pytest.mark.parametrize("path", ["/api/v1/fund/claims/0", "/api/v1/fund/claims/99999999999"])
def test_out_of_range_claim_ids_are_422(client: TestClient, office: User, path: str) -> None:
    assert client.get(path, headers=as_(office)).status_code == 422
    assert client.get("/api/v1/fund/agreements/Bad%20Code", headers=as_(office)).status_code == 422
