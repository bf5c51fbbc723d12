"""The enterprise's portal: its credit, applying and withdrawing, consents, who read its data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.applications.models import ApplicationStatus, FinancingApplication
from app.consent import service as consent_service
from app.consent.models import Authorization
from app.enterprises.models import Enterprise
from scoring.scores.models import Score
from tests.factories import (
    make_application,
    make_authorization,
    make_enterprise,
    make_lender,
    make_product,
    make_user,
)
from tests.pages.helpers import form_token, sign_in


@pytest.fixture
def firm(db: Session) -> Enterprise:
    return make_enterprise(db, name="湖州恒兴机械有限公司")


@pytest.fixture
def firm_user(db: Session, firm: Enterprise, client: TestClient) -> User:
    user = make_user(db, Role.ENTERPRISE, uscc=firm.uscc, display_name="恒兴财务")
    sign_in(client, user)
    return user


def post(client: TestClient, path: str, data: Mapping[str, Any], *, form: str) -> httpx.Response:
    return client.post(
        path, data={**data, "csrf_token": form_token(client, form)}, follow_redirects=False
    )


def test_my_credit_shows_score_reasons_history_and_whitelist_rules(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    for month, points, grade in ((10, 560, "C"), (11, 598, "C")):
        db.add(
            Score(
                uscc=firm.uscc, as_of=date(2026, month, 1), model_name="m-1", pd=0.03,
                points=points, grade=grade, reasons=[{"text": "近12个月用电量同比下降 35%"}],
            )
        )  # fmt: skip
    page = client.get("/me")
    assert page.status_code == 200
    text = page.text
    assert "湖州恒兴机械有限公司" in text and "598" in text and "拉低评分" in text
    assert "近12个月用电量同比下降 35%" in text
    assert "2026-10-01" in text and "2026-11-01" in text  # the history
    assert "白名单" in text and ("满足" in text or "不满足" in text)


def test_an_unscored_enterprise_is_told_so(client: TestClient, firm_user: User) -> None:
    assert "尚未评分" in client.get("/me").text


def test_apply_then_follow_and_withdraw(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    make_lender(db, code="hzbank")
    answer = post(
        client,
        "/me/applications",
        {
            "amount_yuan": "500000.00",
            "term_months": "24",
            "purpose": "采购原材料",
            "product_type": "credit",
            "lender_code": "hzbank",
            "green": "on",
        },
        form="/me/applications/new",
    )
    assert answer.status_code == 303
    (application,) = db.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == firm.uscc)
    ).all()
    assert application.amount_fen == 50_000_000 and application.green and not application.tech
    assert answer.headers["location"] == f"/me/applications/{application.id}"
    listing = client.get("/me/applications").text
    assert f"申请 {application.id}" in listing and "500,000" in listing
    detail = client.get(f"/me/applications/{application.id}").text
    assert "办理进度" in detail and "撤回申请" in detail
    withdrawn = post(
        client,
        f"/me/applications/{application.id}/withdraw",
        {"reason": "资金已到位"},
        form=f"/me/applications/{application.id}",
    )
    assert withdrawn.status_code == 303
    db.refresh(application)
    assert application.status is ApplicationStatus.WITHDRAWN
    after = client.get(f"/me/applications/{application.id}").text
    assert "资金已到位" in after and 'action="/me/applications/' not in after


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_yuan", "0", "金额必须大于 0"),
        ("amount_yuan", "1e6", "不是金额"),
        ("amount_yuan", "-5", "不能为负数"),
        ("term_months", "0", "不能小于 1"),
        ("term_months", "abc", "请填写整数"),
        ("purpose", "x", "至少 2 个字符"),
        ("purpose", "<script>alert(1)</script>" * 30, "不能超过"),
        ("product_type", "junk", "请从列表中选择"),
        ("lender_code", "no-such-bank", "没有找到该金融机构"),
    ],
)
def test_a_bad_application_is_shown_again_with_the_fields_error_in_chinese(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User,
    field: str, value: str, message: str,
) -> None:  # fmt: skip
    data = {
        "amount_yuan": "500000",
        "term_months": "12",
        "purpose": "采购原材料",
        "product_type": "credit",
        field: value,
    }
    answer = post(client, "/me/applications", data, form="/me/applications/new")
    assert answer.status_code == 422
    assert message in answer.text
    assert "<script>alert(1)" not in answer.text  # echoed back escaped, never as markup
    assert db.exec(select(FinancingApplication)).all() == []


def test_another_enterprises_application_does_not_exist_for_me(
    client: TestClient, db: Session, firm_user: User
) -> None:
    other = make_application(db, make_enterprise(db))
    page = client.get(f"/me/applications/{other.id}")
    assert page.status_code == 404 and "没有找到该融资申请" in page.text
    withdrawn = post(client, f"/me/applications/{other.id}/withdraw", {}, form="/me/applications")
    assert withdrawn.status_code == 404
    db.refresh(other)
    assert other.status is not ApplicationStatus.WITHDRAWN


def test_grant_a_named_bank_consent_then_revoke_it(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    make_lender(db, code="hzbank")
    granted = post(
        client,
        "/me/consents",
        {"scope": "named_banks", "lender_codes": ["hzbank"], "valid_until": "2027-06-30"},
        form="/me/consents",
    )
    assert granted.status_code == 303
    (row,) = db.exec(select(Authorization).where(Authorization.uscc == firm.uscc)).all()
    assert row.lender_codes == ["hzbank"]
    page = client.get("/me/consents").text
    assert "共享给指定银行" in page and "有效" in page
    revoked = post(client, f"/me/consents/{row.id}/revoke", {}, form="/me/consents")
    assert revoked.status_code == 303
    db.refresh(row)
    assert row.revoked_at is not None
    assert "已撤回" in client.get("/me/consents").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "named_banks"}, "至少选择一家银行"),
        ({"scope": "assessment", "lender_codes": ["hzbank"]}, "需要选择银行"),
        ({"scope": "everyone"}, "请从列表中选择"),
        ({"scope": "assessment", "valid_until": "明年"}, "请填写日期"),
    ],
)
def test_a_bad_consent_is_refused_in_chinese_and_grants_nothing(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User,
    data: dict[str, object], message: str,
) -> None:  # fmt: skip
    make_lender(db, code="hzbank")
    answer = post(client, "/me/consents", data, form="/me/consents")
    assert answer.status_code == 422 and message in answer.text
    assert db.exec(select(Authorization).where(Authorization.uscc == firm.uscc)).all() == []


def test_who_read_my_data_is_named_not_numbered(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    bank = make_lender(db, code="hzbank")
    make_authorization(db, firm.uscc, lender_codes=["hzbank"])
    officer = make_user(db, Role.LENDER_USER, lender_id=bank.id, display_name="信贷员小李")
    from app.accounts import service as account_service

    reader = account_service.principal_for_user(officer)
    consent_service.record_read(
        db, uscc=firm.uscc, reader=reader, what="score", basis="authorization"
    )
    page = client.get("/me/data-access").text
    assert f"{bank.name} · 信贷员小李" in page and "信用评分" in page
    assert f"user:{officer.id}" not in page


def test_the_product_supermarket_says_which_products_fit_and_why_not(
    client: TestClient, db: Session, firm: Enterprise, firm_user: User
) -> None:
    bank = make_lender(db, code="hzbank")
    make_product(db, bank, name="普惠信用贷")
    make_product(db, bank, name="优等企业贷", grades=["A"])  # the firm is not scored
    other = "A" if firm.industry_section != "A" else "B"
    make_product(db, bank, name="农业专项贷", industry_sections=[other])
    page = client.get("/me/products")
    assert page.status_code == 200
    rows = {
        name: row
        for row in page.text.split("<tr>")[2:]
        for name in ("普惠信用贷", "优等企业贷", "农业专项贷")
        if name in row
    }
    assert "符合条件" in rows["普惠信用贷"]
    assert "lender_code=hzbank" in rows["普惠信用贷"]
    assert "不符合：信用等级" in rows["优等企业贷"]
    assert "不符合：行业" in rows["农业专项贷"]
    # A filter the schema refuses shows every product, with a notice, not a raw 422.
    refused = client.get("/me/products?product_type=<script>")
    assert refused.status_code == 200 and "筛选条件有误" in refused.text
    assert "<script>" not in refused.text.split("<main")[1]


def test_applying_from_a_product_fills_in_its_type_and_bank(
    client: TestClient, db: Session, firm_user: User
) -> None:
    make_lender(db, code="hzbank")
    form = client.get("/me/applications/new?product_type=credit&lender_code=hzbank").text
    assert 'value="credit" selected' in form and 'value="hzbank" selected' in form
    ignored = client.get("/me/applications/new?product_type=x&lender_code=%22%3E%3Cb%3E").text
    assert " selected" not in ignored.split('name="product_type"')[1].split("</select>")[0]
