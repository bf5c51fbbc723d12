"""The bank's 风险缓释 page: its agreement, headroom and NPL, covered loans, refusals with
Chinese reasons, claims with Chinese states, statements, and 申请代偿 on a defaulted loan from
the fund page or the loan page, the claim window's refusal in Chinese."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, func, select

from lenders.fund import capital
from lenders.fund.models import FundClaim
from lenders.fund.schemas import ContributionCreate
from lenders.loans.dates import today
from lenders.loans.models import Loan
from tests.lenders.fund.test_claims import defaulted
from tests.lenders.fund.test_cover import OFFICE, disburse, sign
from tests.pages.bank_world import Banks, banks, post


@pytest.fixture
def world(db: Session, client: TestClient) -> Banks:
    made = banks(db, client)
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    db.commit()
    return made


def claims_of(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(FundClaim)).one()


def test_the_fund_page_shows_the_agreement_covers_refusals_and_statements(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.bank)
    disburse(db, world.bank, enterprise=world.firm, yuan="300000.00")
    disburse(db, world.bank, enterprise=world.firm, eligible=False)
    db.commit()
    page = client.get("/bank/fund")
    assert page.status_code == 200
    text = page.text
    assert "第 1 版" in text and "40.00%" in text and "违约后 180 天内" in text
    assert "700,000.00 元" in text  # headroom: 10 × 100,000 less 300,000 covered
    assert "湖州恒兴机械有限公司" in text and "300,000.00" in text
    assert "产品不在基金覆盖范围" in text and "product_not_eligible" not in text
    assert f'href="/bank/fund/statements/{today():%Y-%m}"' in text
    assert 'href="/bank/fund"' in text  # the bank's navigation


def test_without_an_agreement_the_page_says_so(
    client: TestClient, db: Session, world: Banks
) -> None:
    text = client.get("/bank/fund").text
    assert "没有生效的合作协议" in text and "没有待申请代偿的贷款" in text


def test_a_claim_filed_from_the_fund_page_shows_with_its_chinese_state(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.bank)
    loan = defaulted(db, world.bank, yuan="100000.00")
    db.commit()
    assert "申请代偿" in client.get("/bank/fund").text
    answer = post(client, f"/bank/loans/{loan.id}/claim", {"back": "fund"}, form="/bank/fund")
    assert answer.status_code == 303 and answer.headers["location"] == "/bank/fund?claimed=1"
    assert claims_of(db) == 1
    text = client.get("/bank/fund?claimed=1").text
    assert "代偿申请已提交" in text and "已申报" in text and "待审批" in text
    assert "没有待申请代偿的贷款" in text


def test_a_claim_from_the_loan_page_goes_back_to_the_loan(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.bank)
    loan = defaulted(db, world.bank, yuan="100000.00")
    db.commit()
    form = client.get(f"/bank/loans/{loan.id}").text
    assert "基金已覆盖" in form and f'action="/bank/loans/{loan.id}/claim"' in form
    answer = post(client, f"/bank/loans/{loan.id}/claim", {}, form=f"/bank/loans/{loan.id}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/bank/loans/{loan.id}?claimed=1"
    again = client.get(f"/bank/loans/{loan.id}").text
    assert f'action="/bank/loans/{loan.id}/claim"' not in again  # claimed: no form any more


def test_past_the_claim_window_the_refusal_is_in_chinese_and_nothing_is_filed(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.bank, claim_window_days=1)
    loan = defaulted(db, world.bank, yuan="100000.00")  # defaulted 2 days ago
    db.commit()
    for back, page in (("loan", f"/bank/loans/{loan.id}"), ("fund", "/bank/fund")):
        answer = post(client, f"/bank/loans/{loan.id}/claim", {"back": back}, form=page)
        assert answer.status_code == 409, answer.text[-500:]
        assert "已超过代偿申请期限" in answer.text and "违约后 1 天内" in answer.text
        assert "claim window" not in answer.text
    assert claims_of(db) == 0


def test_a_loan_that_cannot_be_claimed_is_refused_in_chinese(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.bank)
    current: Loan = disburse(db, world.bank)
    db.commit()
    answer = post(client, f"/bank/loans/{current.id}/claim", {}, form=f"/bank/loans/{current.id}")
    assert answer.status_code == 409 and "该笔贷款不能申请代偿" in answer.text
    assert claims_of(db) == 0


def test_another_bank_s_loan_is_not_found_and_a_bad_back_is_refused(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.other)
    theirs = defaulted(db, world.other, yuan="100000.00")
    sign(db, world.bank)
    mine = defaulted(db, world.bank, yuan="100000.00")
    db.commit()
    answer = post(client, f"/bank/loans/{theirs.id}/claim", {"back": "fund"}, form="/bank/fund")
    assert answer.status_code == 404 and "没有找到" in answer.text
    odd = post(
        client, f"/bank/loans/{mine.id}/claim", {"back": "https://evil.example"}, form="/bank/fund"
    )
    assert odd.status_code == 422 and "location" not in odd.headers
    assert claims_of(db) == 0


def test_the_statement_downloads_and_a_bad_month_is_a_chinese_page(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.bank)
    db.commit()
    answer = client.get(f"/bank/fund/statements/{today():%Y-%m}")
    assert answer.status_code == 200
    assert load_workbook(io.BytesIO(answer.content)).sheetnames[0] == "账户汇总"
    for month, words in (("2026-13", "月份有误"), ("9999-01", "尚未开始")):
        bad = client.get(f"/bank/fund/statements/{month}")
        assert bad.status_code == 422 and words in bad.text


def test_every_table_scrolls_or_turns_into_cards_on_a_phone(
    client: TestClient, db: Session, world: Banks
) -> None:
    sign(db, world.bank)
    disburse(db, world.bank, enterprise=world.firm)
    disburse(db, world.bank, eligible=False)
    defaulted(db, world.bank, yuan="100000.00")
    db.commit()
    text = client.get("/bank/fund").text
    tables = re.findall(r"(<div class=\"scroll\">)?<table([^>]*)>", text)
    assert len(tables) == 4
    assert all(wrapper and "cards-on-phone" in attributes for wrapper, attributes in tables)
    cells = re.findall(r"<td( [^>]*)?>", text)
    assert cells and all("data-label" in c or "colspan" in c for c in cells)
