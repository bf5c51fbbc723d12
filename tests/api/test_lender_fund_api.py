"""The bank's side of the fund over HTTP: its own standing, covers, claims and statements,
another bank's answered as missing, the office's copy, and hostile input refused unchanged."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, func, select

from app.accounts.models import Role
from lenders.fund import capital
from lenders.fund.models import FundClaim, FundCover
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans.dates import today
from lenders.loans.models import Loan
from tests.factories import bearer, make_api_key, make_enterprise, make_lender, make_user
from tests.lenders.fund.test_claims import defaulted
from tests.lenders.fund.test_cover import OFFICE, disburse, sign

URL = "/api/v1/lender/fund"


@pytest.fixture
def bank(db: Session) -> Lender:
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    return make_lender(db)


def staff(db: Session, bank: Lender, role: Role = Role.LENDER_USER) -> dict[str, str]:
    return bearer(make_user(db, role, lender_id=bank.id if role is Role.LENDER_USER else None))


def this_month() -> str:
    return today().strftime("%Y-%m")


def counts(db: Session) -> tuple[int, int, int]:
    db.expire_all()
    return (
        db.exec(select(func.count()).select_from(FundCover)).one(),
        db.exec(select(func.count()).select_from(FundCover).where(FundCover.covered)).one(),
        db.exec(select(func.count()).select_from(FundClaim)).one(),
    )


def test_a_bank_registers_an_earlier_loan_then_reads_it_among_its_covers(
    client: TestClient, db: Session, bank: Lender
) -> None:
    loan = disburse(db, bank)  # no agreement yet: refused
    sign(db, bank)
    _key, secret = make_api_key(db, bank)
    db.commit()
    headers = {"X-API-Key": secret}
    made = client.post(f"{URL}/covers", json={"loan_id": loan.id}, headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["covered"] and body["principal_fen"] == 40_000_000
    assert body["principal_yuan"] == "400000.00" and body["agreement_version"] == 1
    assert body["registered_on"] == today().isoformat()
    again = client.post(f"{URL}/covers", json={"loan_id": loan.id}, headers=headers)
    assert again.status_code == 200 and again.json() == body
    listed = client.get(f"{URL}/covers", params={"covered": "true"}, headers=headers).json()
    assert listed["count"] == 1 and listed["data"][0]["loan_id"] == loan.id
    refused = client.get(f"{URL}/covers", params={"covered": "false"}, headers=headers).json()
    assert refused == {"data": [], "count": 0}
    summary = client.get(URL, headers=headers).json()
    assert summary["agreement"]["version"] == 1 and summary["covered_loans"] == 1
    assert summary["headroom_fen"] == 100_000_000 - 40_000_000
    assert summary["headroom_yuan"] == "600000.00"


def test_refusals_carry_their_reason_codes(client: TestClient, db: Session, bank: Lender) -> None:
    sign(db, bank)
    disburse(db, bank, eligible=False)
    headers = staff(db, bank)
    db.commit()
    (row,) = client.get(f"{URL}/covers?covered=false", headers=headers).json()["data"]
    assert (
        row["refusal"] == "product_not_eligible" and row["refusal_label"] == "产品不在基金覆盖范围"
    )


def test_a_bank_files_a_claim_and_reads_it_and_another_bank_sees_nothing(
    client: TestClient, db: Session, bank: Lender
) -> None:
    sign(db, bank)
    loan = defaulted(db, bank, yuan="100000.00")
    other = make_lender(db)
    mine, theirs = staff(db, bank), staff(db, other)
    db.commit()
    foreign = client.post(f"{URL}/claims", json={"loan_id": loan.id}, headers=theirs)
    assert foreign.status_code == 404 and foreign.json()["code"] == "loan_not_found"
    missing = client.post(f"{URL}/claims", json={"loan_id": 2_000_000}, headers=mine)
    assert missing.status_code == 404
    assert {k: missing.json()[k] for k in ("code", "title", "status")} == {
        k: foreign.json()[k] for k in ("code", "title", "status")
    }
    keyed = {**mine, "Idempotency-Key": "claim-1"}
    filed = client.post(f"{URL}/claims", json={"loan_id": loan.id}, headers=keyed)
    assert filed.status_code == 201, filed.text
    claim = filed.json()
    assert claim["status"] == "filed" and claim["status_label"] == "已申报"
    assert claim["unpaid_principal_fen"] == 10_000_000 and claim["amount_fen"] is None
    replay = client.post(f"{URL}/claims", json={"loan_id": loan.id}, headers=keyed)
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"
    assert counts(db)[2] == 1
    twice = client.post(f"{URL}/claims", json={"loan_id": loan.id}, headers=mine)
    assert twice.status_code == 409 and twice.json()["code"] == "fund_not_claimable"
    assert client.get(f"{URL}/claims/{claim['id']}", headers=mine).json() == claim
    hidden = client.get(f"{URL}/claims/{claim['id']}", headers=theirs)
    absent = client.get(f"{URL}/claims/{claim['id'] + 1000}", headers=mine)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["code"] == absent.json()["code"] == "fund_claim_not_found"
    assert client.get(f"{URL}/claims", headers=theirs).json() == {"data": [], "count": 0}
    assert client.get(f"{URL}/claims", headers=mine).json()["count"] == 1


def test_another_bank_s_loan_cannot_be_registered(
    client: TestClient, db: Session, bank: Lender
) -> None:
    loan = disburse(db, bank)
    other = make_lender(db)
    sign(db, other)
    headers = staff(db, other)
    db.commit()
    answer = client.post(f"{URL}/covers", json={"loan_id": loan.id}, headers=headers)
    assert answer.status_code == 404 and answer.json()["code"] == "loan_not_found"
    assert counts(db) == (1, 0, 0)


def test_a_defaulted_loan_is_not_registered(client: TestClient, db: Session, bank: Lender) -> None:
    loan = defaulted(db, bank)
    sign(db, bank)
    headers = staff(db, bank)
    db.commit()
    answer = client.post(f"{URL}/covers", json={"loan_id": loan.id}, headers=headers)
    assert answer.status_code == 409 and answer.json()["code"] == "fund_loan_not_registrable"
    assert counts(db) == (1, 0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {"loan_id": 0},
        {"loan_id": -1},
        {"loan_id": 2**31},
        {"loan_id": 10**30},
        {"loan_id": "1"},
        {"loan_id": 1.0},
        {"loan_id": True},
        {"loan_id": None},
        {},
        {"loan_id": 1, "covered": True},
        [1],
    ],
)
@pytest.mark.parametrize("route", ["covers", "claims"])
def test_hostile_bodies_are_refused_and_change_nothing(
    client: TestClient, db: Session, bank: Lender, route: str, body: Any
) -> None:
    disburse(db, bank)
    sign(db, bank)
    headers = staff(db, bank)
    db.commit()
    before = counts(db)
    answer = client.post(f"{URL}/{route}", json=body, headers=headers)
    assert answer.status_code == 422 and answer.json()["code"] == "validation_error", answer.text
    assert counts(db) == before


def test_the_bank_downloads_its_statement(client: TestClient, db: Session, bank: Lender) -> None:
    sign(db, bank)
    headers = staff(db, bank)
    db.commit()
    answer = client.get(f"{URL}/statements/{this_month()}", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    expected = f'filename="fund-statement-{bank.code}-{this_month()}.xlsx"'
    assert expected in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["账户汇总", "资金流水", "覆盖贷款", "代偿"]


@pytest.mark.parametrize(
    ("month", "code"),
    [
        ("2026-13", "fund_statement_month_invalid"),
        ("2026-1", "fund_statement_month_invalid"),
        ("2026-11/../etc", "fund_statement_month_invalid"),  # the client resolves it to etc
        ("%3DSUM(A1)", "fund_statement_month_invalid"),
        ("9999-12", "fund_statement_month_future"),
        ("x" * 17, "validation_error"),
    ],
)
def test_a_malformed_or_future_month_is_422_with_a_code(
    client: TestClient, db: Session, bank: Lender, month: str, code: str
) -> None:
    headers = staff(db, bank)
    db.commit()
    answer = client.get(f"{URL}/statements/{month}", headers=headers)
    assert answer.status_code == 422 and answer.json()["code"] == code, answer.text


def test_a_month_that_climbs_out_of_the_path_reaches_no_statement(
    client: TestClient, db: Session, bank: Lender
) -> None:
    headers = staff(db, bank)
    db.commit()
    answer = client.get(f"{URL}/statements/..%2F..%2Fetc", headers=headers)
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


def test_the_office_downloads_any_bank_s_statement_and_banks_cannot(
    client: TestClient, db: Session, bank: Lender
) -> None:
    sign(db, bank)
    office = staff(db, bank, Role.OFFICE)
    banker = staff(db, bank)
    firm = bearer(make_user(db, Role.ENTERPRISE, uscc=make_enterprise(db).uscc))
    db.commit()
    path = f"/api/v1/fund/statements/{bank.code}/{this_month()}"
    assert client.get(path, headers=office).status_code == 200
    assert client.get(path, headers=banker).status_code == 403
    assert client.get(f"{URL}/statements/{this_month()}", headers=office).status_code == 403
    unknown = client.get(f"/api/v1/fund/statements/no-such-bank/{this_month()}", headers=office)
    assert unknown.status_code == 404 and unknown.json()["code"] == "lender_not_found"
    bad_code = client.get(f"/api/v1/fund/statements/..%2F/{this_month()}", headers=office)
    assert bad_code.status_code in (404, 422)
    assert client.get(URL, headers=firm).status_code == 403


def test_an_enterprise_or_the_office_cannot_act_as_a_bank(
    client: TestClient, db: Session, bank: Lender
) -> None:
    loan: Loan = defaulted(db, bank)
    sign(db, bank)
    callers = [staff(db, bank, Role.OFFICE), staff(db, bank, Role.ADMIN)]
    db.commit()
    for headers in callers:
        for route in ("covers", "claims"):
            answer = client.post(f"{URL}/{route}", json={"loan_id": loan.id}, headers=headers)
            assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert counts(db) == (1, 0, 0)
