"""The bank's loans: disbursement from an approved lead, the list with days past due, repayments."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from lenders.leads.models import LeadStatus
from lenders.loans import servicing
from lenders.loans.models import Loan, LoanRepayment
from lenders.loans.schemas import DelinquencyCreate
from tests.lenders.loans import helpers as loans
from tests.pages.bank_world import Banks, banks, post


@pytest.fixture
def world(db: Session, client: TestClient) -> Banks:
    return banks(db, client)


def loans_of(db: Session) -> list[Loan]:
    db.expire_all()
    return list(db.exec(select(Loan)))


def repayments_of(db: Session, loan: Loan) -> list[LoanRepayment]:
    db.expire_all()
    return list(db.exec(select(LoanRepayment).where(LoanRepayment.loan_id == loan.id)))


def test_disbursing_an_approved_lead_registers_its_loan(
    client: TestClient, db: Session, world: Banks
) -> None:
    approved = loans.approved_lead(db, lender=world.bank, enterprise=world.firm)
    db.commit()
    lead_id = approved.lead.id
    form = client.get(f"/bank/leads/{lead_id}").text
    assert "放款登记" in form and 'value="500000.00"' in form  # prefilled: the approved
    answer = post(
        client, f"/bank/leads/{lead_id}/disbursement",
        loans.disbursement(contract_id="湖银2026借字第0001号", amount_yuan="300000.50"),
        form=f"/bank/leads/{lead_id}",
    )  # fmt: skip
    assert answer.status_code == 303
    (loan,) = loans_of(db)
    assert answer.headers["location"] == f"/bank/loans/{loan.id}"
    assert loan.principal_fen == 30_000_050 and loan.contract_id == "湖银2026借字第0001号"
    db.refresh(approved.lead)
    assert approved.lead.status is LeadStatus.DISBURSED
    page = client.get(f"/bank/loans/{loan.id}").text
    assert "湖银2026借字第0001号" in page and "300,000.50" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_yuan": "500000.01"}, "超过批准金额"),
        ({"amount_yuan": "1,000.00"}, "不是金额"),
        ({"amount_yuan": "0"}, "必须大于 0"),
        ({"contract_id": "合" * 65}, "不能超过 64 个字符"),
        ({"disbursed_on": "2999-01-01"}, "不能晚于今天"),
        ({"disbursed_on": "昨天"}, "请填写日期"),
    ],
)
def test_a_bad_disbursement_is_refused_and_registers_nothing(
    client: TestClient, db: Session, world: Banks, overrides: dict[str, str], message: str
) -> None:
    approved = loans.approved_lead(db, lender=world.bank, enterprise=world.firm)
    db.commit()
    lead_id = approved.lead.id
    answer = post(
        client, f"/bank/leads/{lead_id}/disbursement", loans.disbursement(**overrides),
        form=f"/bank/leads/{lead_id}",
    )  # fmt: skip
    assert answer.status_code == 422 and message in answer.text, answer.text[-2000:]
    assert loans_of(db) == []
    db.refresh(approved.lead)
    assert approved.lead.status is LeadStatus.APPROVED


def test_the_list_shows_own_loans_with_days_past_due(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_loan(db, lender=world.bank, contract_id="湖银逾期001")
    servicing.report_delinquency(
        db, loan=loan,
        data=DelinquencyCreate(as_of=loans.days_ago(1), days_past_due=17), actor=loans.BANK,
    )  # fmt: skip
    theirs = loans.make_loan(db, lender=world.other, contract_id="别家合同001")
    db.commit()
    page = client.get("/bank/loans")
    assert page.status_code == 200
    assert "湖银逾期001" in page.text and "17 天" in page.text and "逾期" in page.text
    assert "别家合同001" not in page.text
    overdue = client.get("/bank/loans?status=overdue").text
    assert "湖银逾期001" in overdue
    assert "湖银逾期001" not in client.get("/bank/loans?status=repaid").text
    bad = client.get("/bank/loans?status=lost")
    assert bad.status_code == 200 and "筛选条件有误" in bad.text
    assert client.get(f"/bank/loans/{theirs.id}").status_code == 404


def test_recording_a_repayment_lowers_the_outstanding(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    before = loan.outstanding_fen
    answer = post(
        client, f"/bank/loans/{loan.id}/repayments",
        {"period": loans.days_ago(0).strftime("%Y-%m"), "paid_on": loans.days_ago(0).isoformat(),
         "principal_yuan": "10000.00", "interest_yuan": "1400.55"},
        form=f"/bank/loans/{loan.id}",
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == f"/bank/loans/{loan.id}"
    (repayment,) = repayments_of(db, loan)
    assert (repayment.principal_fen, repayment.interest_fen) == (1_000_000, 140_055)
    db.refresh(loan)
    assert loan.outstanding_fen == before - 1_000_000
    assert "1,400.55" in client.get(f"/bank/loans/{loan.id}").text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"principal_yuan": "10000.5.0"}, "不是金额"),
        ({"principal_yuan": "-1"}, "负数"),
        ({"principal_yuan": "99999999.00"}, "超过贷款余额"),
        ({"principal_yuan": "0", "interest_yuan": "0"}, "不能都为 0"),
        ({"period": "2026-13"}, "格式不对"),
        ({"paid_on": "2999-01-01"}, "不能晚于今天"),
        ({"interest_yuan": "1" * 30}, "大得不合理"),
    ],
)
def test_a_bad_repayment_is_refused_and_changes_nothing(
    client: TestClient, db: Session, world: Banks, overrides: dict[str, str], message: str
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    before = loan.outstanding_fen
    data = {
        "period": loans.days_ago(0).strftime("%Y-%m"),
        "paid_on": loans.days_ago(0).isoformat(),
        "principal_yuan": "1000.00",
        "interest_yuan": "100.00",
        **overrides,
    }
    answer = post(client, f"/bank/loans/{loan.id}/repayments", data, form=f"/bank/loans/{loan.id}")
    assert answer.status_code == 422 and message in answer.text, answer.text[-2000:]
    assert repayments_of(db, loan) == []
    db.refresh(loan)
    assert loan.outstanding_fen == before


def test_another_banks_loan_takes_no_repayment(
    client: TestClient, db: Session, world: Banks
) -> None:
    theirs = loans.make_loan(db, lender=world.other)
    db.commit()
    answer = post(
        client, f"/bank/loans/{theirs.id}/repayments",
        {"period": loans.days_ago(0).strftime("%Y-%m"), "paid_on": loans.days_ago(0).isoformat(),
         "principal_yuan": "1000.00", "interest_yuan": "100.00"},
        form="/bank/loans",
    )  # fmt: skip
    assert answer.status_code == 404
    assert repayments_of(db, theirs) == []
