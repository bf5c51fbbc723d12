"""The bank's loans: disbursement from an approved lead, the list with days past due, and the
reports on a loan: repayments, days past due, default and recoveries."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.money import fen_to_yuan
from lenders.leads.models import LeadStatus
from lenders.loans import servicing
from lenders.loans.models import DelinquencyReport, Loan, LoanRecovery, LoanRepayment, LoanStatus
from lenders.loans.schemas import DelinquencyCreate, RecoveryCreate
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


def reports_of(db: Session, loan: Loan) -> list[DelinquencyReport]:
    db.expire_all()
    return list(db.exec(select(DelinquencyReport).where(DelinquencyReport.loan_id == loan.id)))


def recoveries_of(db: Session, loan: Loan) -> list[LoanRecovery]:
    db.expire_all()
    return list(db.exec(select(LoanRecovery).where(LoanRecovery.loan_id == loan.id)))


def forms_on(page: str) -> set[str]:
    """Which of the loan page's report forms the page offers."""
    ends = ("repayments", "delinquency", "default", "recoveries")
    return {end for end in ends if f'/{end}" class="stack"' in page}


def test_the_forms_follow_the_loans_status(client: TestClient, db: Session, world: Banks) -> None:
    current = loans.make_loan(db, lender=world.bank)
    defaulted = loans.make_defaulted_loan(db, lender=world.bank)
    db.commit()
    page = client.get(f"/bank/loans/{current.id}").text
    assert forms_on(page) == {"repayments", "delinquency", "default"}
    page = client.get(f"/bank/loans/{defaulted.id}").text
    assert forms_on(page) == {"delinquency", "recoveries"}
    assert "违约日" in page and "违约时余额" in page and "已追回" in page
    assert "还没有追回记录" in page


def test_a_fully_recovered_loan_offers_no_more_recoveries(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_defaulted_loan(db, lender=world.bank)
    whole = str(fen_to_yuan(loan.outstanding_at_default_fen or 0))
    data = RecoveryCreate.model_validate({"recovered_on": loans.days_ago(0), "amount_yuan": whole})
    servicing.record_recovery(db, loan=loan, data=data, actor=loans.BANK)
    db.commit()
    page = client.get(f"/bank/loans/{loan.id}").text
    assert forms_on(page) == {"delinquency"} and "尚可追回 0.00 元" in page


def test_reporting_days_past_due_makes_the_loan_overdue(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    answer = post(
        client, f"/bank/loans/{loan.id}/delinquency",
        {"as_of": loans.days_ago(1).isoformat(), "days_past_due": "12"},
        form=f"/bank/loans/{loan.id}",
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == f"/bank/loans/{loan.id}"
    (report,) = reports_of(db, loan)
    assert report.days_past_due == 12
    db.refresh(loan)
    assert (loan.status, loan.days_past_due) == (LoanStatus.OVERDUE, 12)
    page = client.get(f"/bank/loans/{loan.id}").text
    assert "12 天" in page and "逾期报告记录" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"days_past_due": "十二"}, "days_past_due", "请填写整数"),
        ({"days_past_due": "-1"}, "days_past_due", "不能小于 0"),
        ({"days_past_due": "9" * 40}, "days_past_due", "不能大于 36500"),
        ({"days_past_due": "60"}, "days_past_due", "超过了自放款以来的天数"),
        ({"days_past_due": ""}, "days_past_due", "请填写此项"),
        ({"as_of": "2999-01-01"}, "as_of", "不能晚于今天"),
        ({"as_of": "2026-02-30"}, "as_of", "请填写日期"),
        ({"as_of": loans.days_ago(90).isoformat()}, "as_of", "日期先后顺序不对"),
    ],
)
def test_a_bad_delinquency_report_is_refused_beside_its_field(
    client: TestClient,
    db: Session,
    world: Banks,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    data = {"as_of": loans.days_ago(1).isoformat(), "days_past_due": "3", **overrides}
    answer = post(client, f"/bank/loans/{loan.id}/delinquency", data, form=f"/bank/loans/{loan.id}")
    assert answer.status_code == 422, answer.text[-2000:]
    assert f'id="{field}-error" role="alert">' in answer.text and message in answer.text
    assert reports_of(db, loan) == []
    db.refresh(loan)
    assert (loan.status, loan.days_past_due) == (LoanStatus.CURRENT, 0)


def test_declaring_a_default_keeps_the_outstanding_and_opens_recoveries(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    answer = post(
        client, f"/bank/loans/{loan.id}/default",
        {"defaulted_on": loans.days_ago(3).isoformat(), "outstanding_yuan": "350000.25"},
        form=f"/bank/loans/{loan.id}",
    )  # fmt: skip
    assert answer.status_code == 303
    db.refresh(loan)
    assert loan.status is LoanStatus.DEFAULTED and loan.defaulted_on == loans.days_ago(3)
    assert loan.outstanding_at_default_fen == 35_000_025
    page = client.get(f"/bank/loans/{loan.id}").text
    assert "350,000.25" in page and forms_on(page) == {"delinquency", "recoveries"}


def test_a_default_left_blank_takes_the_platforms_outstanding(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    answer = post(
        client, f"/bank/loans/{loan.id}/default",
        {"defaulted_on": loans.days_ago(0).isoformat(), "outstanding_yuan": ""},
        form=f"/bank/loans/{loan.id}",
    )  # fmt: skip
    assert answer.status_code == 303
    db.refresh(loan)
    assert loan.outstanding_at_default_fen == loan.principal_fen


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"outstanding_yuan": "400000.01"}, "outstanding_yuan", "超过了平台记录的贷款余额"),
        ({"outstanding_yuan": "35万"}, "outstanding_yuan", "不是金额"),
        ({"outstanding_yuan": "1" * 30}, "outstanding_yuan", "大得不合理"),
        ({"outstanding_yuan": "0"}, "outstanding_yuan", "必须大于 0"),
        ({"defaulted_on": "2999-01-01"}, "defaulted_on", "不能晚于今天"),
        ({"defaulted_on": loans.days_ago(61).isoformat()}, "defaulted_on", "日期先后顺序不对"),
        ({"defaulted_on": "x" * 5000}, "defaulted_on", "请填写日期"),
    ],
)
def test_a_bad_default_is_refused_and_the_loan_stays_current(
    client: TestClient,
    db: Session,
    world: Banks,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    data = {"defaulted_on": loans.days_ago(1).isoformat(), "outstanding_yuan": "", **overrides}
    answer = post(client, f"/bank/loans/{loan.id}/default", data, form=f"/bank/loans/{loan.id}")
    assert answer.status_code == 422, answer.text[-2000:]
    assert f'id="{field}-error" role="alert">' in answer.text and message in answer.text
    db.refresh(loan)
    assert loan.status is LoanStatus.CURRENT and loan.defaulted_on is None


def test_a_second_default_is_refused_with_the_reason_on_the_page(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_defaulted_loan(db, lender=world.bank)
    db.commit()
    before = loan.defaulted_on
    answer = post(
        client, f"/bank/loans/{loan.id}/default", {"defaulted_on": loans.days_ago(0).isoformat()},
        form=f"/bank/loans/{loan.id}",
    )  # fmt: skip
    assert answer.status_code == 409 and "该笔贷款已登记违约" in answer.text
    db.refresh(loan)
    assert loan.defaulted_on == before


def test_recording_a_recovery_adds_to_the_recovered_total(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_defaulted_loan(db, lender=world.bank)
    db.commit()
    answer = post(
        client, f"/bank/loans/{loan.id}/recoveries",
        {"recovered_on": loans.days_ago(1).isoformat(), "amount_yuan": "5000.10"},
        form=f"/bank/loans/{loan.id}",
    )  # fmt: skip
    assert answer.status_code == 303
    (recovery,) = recoveries_of(db, loan)
    assert recovery.amount_fen == 500_010
    db.refresh(loan)
    assert loan.recovered_fen == 500_010
    page = client.get(f"/bank/loans/{loan.id}").text
    assert "5,000.10" in page and "追回记录" in page and "还没有追回记录" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount_yuan": "400000.01"}, "amount_yuan", "追回总额将超过违约时余额"),
        ({"amount_yuan": "0"}, "amount_yuan", "必须大于 0"),
        ({"amount_yuan": "-5"}, "amount_yuan", "负数"),
        ({"amount_yuan": "1e5"}, "amount_yuan", "不是金额"),
        ({"amount_yuan": "1" * 30}, "amount_yuan", "大得不合理"),
        ({"recovered_on": loans.days_ago(5).isoformat()}, "recovered_on", "日期先后顺序不对"),
        ({"recovered_on": "2999-01-01"}, "recovered_on", "不能晚于今天"),
    ],
)
def test_a_bad_recovery_is_refused_and_recovers_nothing(
    client: TestClient,
    db: Session,
    world: Banks,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    loan = loans.make_defaulted_loan(db, lender=world.bank)
    db.commit()
    data = {"recovered_on": loans.days_ago(0).isoformat(), "amount_yuan": "100.00", **overrides}
    answer = post(client, f"/bank/loans/{loan.id}/recoveries", data, form=f"/bank/loans/{loan.id}")
    assert answer.status_code == 422, answer.text[-2000:]
    assert f'id="{field}-error" role="alert">' in answer.text and message in answer.text
    assert recoveries_of(db, loan) == []
    db.refresh(loan)
    assert loan.recovered_fen == 0


def test_a_recovery_before_any_default_is_refused(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    answer = post(
        client, f"/bank/loans/{loan.id}/recoveries",
        {"recovered_on": loans.days_ago(0).isoformat(), "amount_yuan": "100.00"},
        form=f"/bank/loans/{loan.id}",
    )  # fmt: skip
    assert answer.status_code == 409 and "尚未登记违约" in answer.text
    assert recoveries_of(db, loan) == []


@pytest.mark.parametrize(
    ("end", "data"),
    [
        ("delinquency", {"as_of": loans.days_ago(0).isoformat(), "days_past_due": "3"}),
        ("default", {"defaulted_on": loans.days_ago(0).isoformat()}),
        ("recoveries", {"recovered_on": loans.days_ago(0).isoformat(), "amount_yuan": "1.00"}),
    ],
)
def test_another_banks_loan_or_a_bad_id_takes_no_report(
    client: TestClient, db: Session, world: Banks, end: str, data: dict[str, str]
) -> None:
    theirs = loans.make_defaulted_loan(db, lender=world.other)
    db.commit()
    for path, status in [
        (f"/bank/loans/{theirs.id}/{end}", 404),
        (f"/bank/loans/999999/{end}", 404),
        (f"/bank/loans/abc/{end}", 422),
        (f"/bank/loans/{2**40}/{end}", 422),
    ]:
        answer = post(client, path, data, form="/bank/loans")
        assert answer.status_code == status, path
        assert "<html" in answer.text  # a page in Chinese, not a problem document
    assert reports_of(db, theirs) == [] and recoveries_of(db, theirs) == []


def test_a_report_without_the_forms_token_is_refused(
    client: TestClient, db: Session, world: Banks
) -> None:
    loan = loans.make_loan(db, lender=world.bank)
    db.commit()
    answer = client.post(
        f"/bank/loans/{loan.id}/default",
        data={"defaulted_on": loans.days_ago(0).isoformat()},
        follow_redirects=False,
    )
    assert answer.status_code == 403 and "表单已过期" in answer.text
    db.refresh(loan)
    assert loan.status is LoanStatus.CURRENT
