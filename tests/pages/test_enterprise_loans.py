"""The enterprise's 线索与贷款: its own leads with each bank's answer and offer, its own loans
with repayments and days past due, and nobody else's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.enterprises.models import Enterprise
from lenders.loans import servicing
from lenders.loans.schemas import DelinquencyCreate, RepaymentCreate
from tests.factories import make_enterprise, make_lender, make_user
from tests.lenders.loans import helpers as loans
from tests.pages.helpers import sign_in


@pytest.fixture
def firm(db: Session) -> Enterprise:
    return make_enterprise(db, name="湖州恒兴机械有限公司")


@pytest.fixture
def firm_user(db: Session, firm: Enterprise, client: TestClient) -> User:
    user = make_user(db, Role.ENTERPRISE, uscc=firm.uscc, display_name="恒兴财务")
    sign_in(client, user)
    return user


def test_the_page_lists_own_leads_with_the_banks_offer_and_own_loans(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    bank = make_lender(db)
    approved = loans.approved_lead(db, lender=bank, enterprise=firm)
    loan = loans.make_loan(db, lender=bank, enterprise=firm, contract_id="湖银借字第0042号")
    servicing.report_delinquency(
        db, loan=loan, actor=loans.BANK,
        data=DelinquencyCreate.model_validate(
            {"as_of": loans.days_ago(0).isoformat(), "days_past_due": 17}
        ),
    )  # fmt: skip
    others = loans.make_loan(db, contract_id="他人借字第0001号")
    db.commit()
    page = client.get("/me/loans")
    assert page.status_code == 200
    assert bank.name in page.text
    assert f"申请 {approved.application.id}" in page.text
    assert "500,000.00" in page.text and "4.20%" in page.text and "12 个月" in page.text
    assert "湖银借字第0042号" in page.text and "400,000.00" in page.text
    assert "17 天" in page.text
    assert others.contract_id not in page.text and others.uscc not in page.text


def test_a_loan_shows_its_repayments_and_days_past_due(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    loan = loans.make_loan(db, enterprise=firm)
    paid = loans.days_ago(0)
    servicing.record_repayment(
        db, loan=loan, actor=loans.BANK,
        data=RepaymentCreate.model_validate(
            {"period": paid.strftime("%Y-%m"), "paid_on": paid.isoformat(),
             "principal_yuan": "10000.00", "interest_yuan": "1400.55"}
        ),
    )  # fmt: skip
    db.commit()
    page = client.get(f"/me/loans/{loan.id}")
    assert page.status_code == 200
    assert "1,400.55" in page.text and "10,000.00" in page.text
    assert "390,000.00" in page.text  # the outstanding after the principal repaid


def test_another_firms_loan_is_as_if_it_did_not_exist(
    client: TestClient, db: Session, firm_user: User
) -> None:
    theirs = loans.make_loan(db)
    db.commit()
    page = client.get(f"/me/loans/{theirs.id}")
    assert page.status_code == 404 and "页面不存在" in page.text
    assert theirs.contract_id not in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/me/loans/abc",
        "/me/loans/-1",
        "/me/loans/0",
        "/me/loans/" + "9" * 40,
        "/me/loans/=cmd|' /C calc'!A0",
        "/me/loans?offset=-5",
        "/me/loans?limit=100000",
        "/me/loans?offset=" + "9" * 40,
    ],
)
def test_hostile_addresses_get_a_chinese_error_page(
    client: TestClient, firm_user: User, path: str
) -> None:
    page = client.get(path)
    assert page.status_code in (404, 422)
    assert "text/html" in page.headers["content-type"]
    assert "页面不存在" in page.text or "填写有误" in page.text


def test_the_api_gives_the_enterprise_its_leads_and_one_loan(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    approved = loans.approved_lead(db, enterprise=firm)
    loan = loans.make_loan(db, enterprise=firm)
    theirs = loans.make_loan(db)
    db.commit()
    leads = client.get(f"/api/v1/enterprises/{firm.uscc}/leads").json()
    assert leads["count"] == 2  # the approved lead and the loan's own
    assert approved.lead.id in {row["id"] for row in leads["data"]}
    offered = next(row for row in leads["data"] if row["id"] == approved.lead.id)
    assert offered["approved_amount_yuan"] == "500000.00"
    detail = client.get(f"/api/v1/enterprises/{firm.uscc}/loans/{loan.id}")
    assert detail.status_code == 200 and detail.json()["principal_fen"] == 40_000_000
    hidden = client.get(f"/api/v1/enterprises/{firm.uscc}/loans/{theirs.id}")
    assert hidden.status_code == 404 and hidden.json()["code"] == "loan_not_found"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/leads?offset=-1", 422),
        ("/leads?limit=100000", 422),
        ("/leads?limit=abc", 422),
        ("/loans/abc", 422),
        ("/loans/-1", 422),
        ("/loans/" + "9" * 40, 422),
        ("/loans/2147483647", 404),
    ],
)
def test_hostile_api_calls_get_a_problem_and_nothing_else(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User, path: str, status: int
) -> None:
    answer = client.get(f"/api/v1/enterprises/{firm.uscc}{path}")
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("code", ["=cmd|' /C calc'!A0", "9" * 300, "913305020000000000"])
def test_another_or_malformed_code_is_not_an_enterprise_of_this_firm(
    client: TestClient, firm_user: User, code: str
) -> None:
    answer = client.get(f"/api/v1/enterprises/{code}/leads")
    assert answer.status_code in (404, 422)
    assert "data" not in answer.json()
