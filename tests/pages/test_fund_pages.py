"""金融办's fund pages: the fund's figures from a built world, contributions and new agreement
versions through their forms, the claims list and a claim's steps with maker-checker; a bad
form says why in Chinese beside its field and changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.accounts.models import Role, User
from lenders.fund.ledger import repository as ledger_repository
from lenders.fund.models import ClaimStatus, CooperationAgreement, FundClaim
from lenders.loans.dates import today
from tests.factories import make_lender, make_user
from tests.lenders.fund import office_world
from tests.lenders.fund.office_world import FundWorld
from tests.pages.helpers import form_token, post_form, sign_in


@pytest.fixture
def world(db: Session) -> FundWorld:
    built = office_world.build(db)
    db.commit()
    return built


@pytest.fixture
def office(db: Session, client: TestClient) -> User:
    user = make_user(db, Role.OFFICE, display_name="金融办张三")
    sign_in(client, user)
    return user


def ledger_state(db: Session) -> tuple[Any, ...]:
    db.expire_all()
    accounts = [
        (a.code, a.debits_posted_fen, a.credits_posted_fen) for a in ledger_repository.accounts(db)
    ]
    claims = sorted((c.id or 0, c.status.value) for c in db.exec(select(FundClaim)))
    versions = db.exec(select(func.count()).select_from(CooperationAgreement)).one()
    return accounts, ledger_repository.transfer_figures(db), claims, versions


def row_of(html: str, row_id: str) -> str:
    found = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.S)
    assert found, f"no row {row_id}"
    return found.group(1)


def test_the_fund_page_shows_position_banks_and_pipeline(
    client: TestClient, world: FundWorld, office: User
) -> None:
    page = client.get("/fund")
    assert page.status_code == 200, page.text
    text = page.text
    assert "风险缓释基金" in text and "1,000,000.00" in text  # the capital contributed
    assert "80,000.00" in text and "20,000.00" in text  # paid out, and come back
    bank_a = row_of(text, f"bank-{world.bank_a.code}")
    assert world.bank_a.name in bank_a and "暂停新增覆盖" in bank_a
    assert "440,000.00" in bank_a and "第 1 版" in bank_a and "补偿 40%" in bank_a
    assert "2 笔" in bank_a and "最久 0 天" in bank_a
    assert "正常" in row_of(text, f"bank-{world.bank_b.code}")
    filed = row_of(text, "status-filed")
    assert "已申报" in filed and "400,000.00" in filed
    assert '<section id="fund-forecast">' in text
    assert 'href="/fund"' in text  # the navigation's 风险缓释基金


def test_a_contribution_posts_once_even_when_sent_twice(
    client: TestClient, db: Session, office: User
) -> None:
    page = client.get("/fund").text
    key = re.search(r'name="key" value="([0-9a-f]{32})"', page)
    assert key
    data = {
        "contributor": "office",
        "amount_yuan": "300000.00",
        "key": key.group(1),
        "csrf_token": form_token(client, "/fund"),
    }
    first = client.post("/fund/contributions", data=data, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/fund?contributed=")
    again = client.post("/fund/contributions", data=data, follow_redirects=False)
    assert again.status_code == 303
    shown = client.get(first.headers["location"]).text
    assert "出资已入账" in shown and "300,000.00" in shown
    assert ledger_repository.transfer_figures(db)[:2] == (1, 30_000_000)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "金额不能为负数"),
        ("1e6", "不是金额"),
        ("12.345", "不是金额"),
        ("一百", "不是金额"),
        ("0", "金额必须大于 0"),
        ("", "请填写此项"),
    ],
)
def test_a_bad_contribution_is_told_beside_its_field_and_changes_nothing(
    client: TestClient, db: Session, world: FundWorld, office: User, amount: str, message: str
) -> None:
    before = ledger_state(db)
    page = post_form(
        client,
        "/fund/contributions",
        {"contributor": "office", "amount_yuan": amount, "key": "a" * 32},
        form_page="/fund",
    )
    assert page.status_code == 422
    assert 'id="amount_yuan-error"' in page.text and message in page.text
    assert ledger_state(db) == before


def test_a_contribution_without_csrf_is_refused(
    client: TestClient, db: Session, office: User
) -> None:
    client.get("/fund")
    response = client.post(
        "/fund/contributions", data={"amount_yuan": "100", "key": "a" * 32}, follow_redirects=False
    )
    assert response.status_code == 403 and "表单已过期" in response.text
    assert ledger_repository.transfer_figures(db)[0] == 0


def sign_form(**changes: str) -> dict[str, str | list[str]]:
    fields = {
        "effective_from": today().isoformat(),
        "expires_on": "",
        "allocation_yuan": "200000",
        "compensation_ratio_bp": "5000",
        "leverage": "8",
        "enterprise_cap_yuan": "3000000",
        "eligible_product_ids": "",
        "claim_window_days": "120",
        "premium_rate_bp": "",
        "period_cap_bp": "",
        "premium_match_bp": "",
        "payout_premium_multiple": "",
        "claimable_from": "substandard",
        "recovery_notice_days": "",
        "suspension_npl_bp": "600",
        "reinstatement_npl_bp": "400",
        "second_approval_above_yuan": "500000",
    }
    return {**fields, **changes}


def test_the_bank_page_prefills_the_terms_and_signs_a_new_version(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    path = f"/fund/banks/{world.bank_b.code}"
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="allocation_yuan" type="text" inputmode="decimal" required value="100000.00"' in (
        page.text
    )
    assert "没有暂停记录" in page.text
    signed = post_form(client, f"{path}/agreements", sign_form(), form_page=path)
    assert signed.status_code == 303, signed.text
    shown = client.get(signed.headers["location"]).text
    assert "已签订" in shown and "第 2 版" in shown
    row = row_of(shown, "agreement-2")
    assert "200,000.00" in row and "50%" in row and "8 倍" in row and "金融办张三" in row
    versions = db.exec(
        select(CooperationAgreement).where(CooperationAgreement.lender_code == world.bank_b.code)
    ).all()
    assert [v.version for v in versions] == [1, 2] and versions[1].claim_window_days == 120


def test_the_money_rules_terms_are_signed_from_the_page(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    path = f"/fund/banks/{world.bank_b.code}"
    page = client.get(path).text
    assert '<option value="substandard" selected>次级</option>' in page
    form = sign_form(
        premium_rate_bp="300",
        premium_match_bp="5000",
        payout_premium_multiple="10",
        claimable_from="doubtful",
        recovery_notice_days="30",
    )
    signed = post_form(client, f"{path}/agreements", form, form_page=path)
    assert signed.status_code == 303, signed.text
    newest = db.exec(
        select(CooperationAgreement)
        .where(CooperationAgreement.lender_code == world.bank_b.code)
        .order_by(col(CooperationAgreement.version).desc())
    ).first()
    assert newest is not None and newest.version == 2
    assert (newest.premium_rate_bp, newest.premium_match_bp, newest.payout_premium_multiple) == (
        300,
        5000,
        10,
    )
    assert newest.claimable_from.value == "doubtful" and newest.recovery_notice_days == 30
    # a match without a premium to match is refused beside its field, and nothing is signed
    refused = post_form(
        client, f"{path}/agreements", sign_form(premium_match_bp="5000"), form_page=path
    )
    assert refused.status_code == 422
    count = db.exec(
        select(CooperationAgreement).where(CooperationAgreement.lender_code == world.bank_b.code)
    ).all()
    assert len(count) == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"allocation_yuan": "-1"}, "allocation_yuan", "金额不能为负数"),
        ({"leverage": "0"}, "leverage", "不能小于 1"),
        ({"leverage": "十"}, "leverage", "请填写整数"),
        ({"claim_window_days": ""}, "claim_window_days", "请填写此项"),
        ({"effective_from": "2027-13-01"}, "effective_from", "请填写日期"),
        ({"eligible_product_ids": "1, x"}, "eligible_product_ids", "请填写整数"),
        ({"reinstatement_npl_bp": "700"}, "", "恢复线须低于暂停线"),
        ({"allocation_yuan": "900000000"}, "allocation_yuan", "未分配资金不足"),
        ({"eligible_product_ids": "2000000000"}, "", "协议条款有误"),
    ],
)
def test_a_bad_agreement_form_is_told_in_chinese_and_changes_nothing(
    client: TestClient,
    db: Session,
    world: FundWorld,
    office: User,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    path = f"/fund/banks/{world.bank_b.code}"
    before = ledger_state(db)
    page = post_form(client, f"{path}/agreements", sign_form(**changes), form_page=path)
    assert page.status_code in (409, 422)
    assert message in page.text
    if field:
        assert f'id="{field}-error"' in page.text
    assert ledger_state(db) == before


def test_a_bank_without_an_agreement_can_be_signed_from_the_fund_page(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    newcomer = make_lender(db)
    db.commit()
    assert f'href="/fund/banks/{newcomer.code}"' in client.get("/fund").text
    page = client.get(f"/fund/banks/{newcomer.code}")
    assert page.status_code == 200 and "尚未签订合作协议" in page.text
    assert 'name="compensation_ratio_bp" type="number" required value="4000"' in page.text
    assert client.get("/fund/banks/no-such-bank").status_code == 404


def test_the_claims_list_filters_and_never_answers_a_raw_422(
    client: TestClient, world: FundWorld, office: User
) -> None:
    every = client.get("/fund/claims").text
    assert "共 3 笔" in every and f"claim-{world.filed.id}" in every
    filed = client.get("/fund/claims?status=filed").text
    assert f"claim-{world.filed.id}" in filed and f"claim-{world.paid.id}" not in filed
    for query in ("offset=-1", "offset=99999999999", "limit=abc", "limit=0"):
        page = client.get(f"/fund/claims?{query}")
        assert page.status_code == 200 and "翻页参数有误" in page.text, query
        assert f"claim-{world.paid.id}" in page.text
    wrong = client.get("/fund/claims?status=lost")
    assert wrong.status_code == 200 and "筛选条件有误" in wrong.text
    bank_b = client.get(f"/fund/claims?lender_code={world.bank_b.code}").text
    assert "没有符合条件的代偿申请" in bank_b


def buttons(html: str) -> list[str]:
    section = html.split('id="steps-allowed"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<button type="submit">([^<]+)</button>', section)


def test_the_claim_page_offers_only_the_steps_its_status_and_the_viewer_allow(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    path = f"/fund/claims/{world.filed.id}"
    assert buttons(client.get(path).text) == ["审核", "驳回"]
    reviewed = post_form(client, f"{path}/review", {}, form_page=path)
    assert reviewed.status_code == 303
    page = client.get(reviewed.headers["location"]).text
    assert "已审核" in page and buttons(page) == ["驳回"] and "审核人不能批准同一笔代偿" in page
    assert "初审" in page and "金融办张三" in page
    before = ledger_state(db)
    refused = post_form(client, f"{path}/approve", {}, form_page=path)  # a stale page's button
    assert refused.status_code == 409 and "未办理：审核人不能批准同一笔代偿" in refused.text
    assert ledger_state(db) == before
    sign_in(client, make_user(db, Role.OFFICE))
    assert buttons(client.get(path).text) == ["批准", "驳回"]
    post_form(client, f"{path}/approve", {}, form_page=path)
    assert buttons(client.get(path).text) == ["驳回"]  # the first approver waits for a third
    sign_in(client, make_user(db, Role.ADMIN))
    assert buttons(client.get(path).text) == ["复核批准", "驳回"]
    post_form(client, f"{path}/approve", {}, form_page=path)
    assert buttons(client.get(path).text) == ["支付"]
    post_form(client, f"{path}/pay", {}, form_page=path)
    assert buttons(client.get(path).text) == ["核销"]
    post_form(client, f"{path}/write-off", {}, form_page=path)
    done = client.get(path).text
    assert buttons(done) == [] and "已核销" in done and "没有可办理的步骤" in done


def test_a_rejection_needs_a_clean_reason(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    path = f"/fund/claims/{world.reviewed.id}"
    before = ledger_state(db)
    hostile = (("", "请填写此项"), ("材料\x01不全", "格式不对"), ("长" * 501, "不能超过"))
    for reason, message in hostile:
        page = post_form(client, f"{path}/reject", {"reason": reason}, form_page=path)
        assert page.status_code == 422 and message in page.text, reason
        assert 'id="reason-error"' in page.text
    assert ledger_state(db) == before
    done = post_form(client, f"{path}/reject", {"reason": "材料不全"}, form_page=path)
    assert done.status_code == 303
    page = client.get(path).text
    assert "不予代偿" in page and "材料不全" in page
    db.expire_all()
    claim = db.get(FundClaim, world.reviewed.id)
    assert claim is not None and claim.status is ClaimStatus.REJECTED


def test_a_missing_claim_or_step_is_a_chinese_page(
    client: TestClient, world: FundWorld, office: User
) -> None:
    missing = client.get("/fund/claims/999999")
    assert missing.status_code == 404 and "没有找到该代偿申请" in missing.text
    path = f"/fund/claims/{world.filed.id}"
    unknown = post_form(client, f"{path}/approve-all", {}, form_page=path)
    assert unknown.status_code in (404, 405) and "页面" in unknown.text


def test_banks_and_enterprises_are_refused_the_fund_pages(
    client: TestClient, db: Session, world: FundWorld
) -> None:
    sign_in(client, make_user(db, Role.LENDER_USER, lender_id=world.bank_a.id))
    for path in ("/fund", "/fund/claims", f"/fund/claims/{world.filed.id}"):
        page = client.get(path)
        assert page.status_code == 403 and "只有金融办和管理员" in page.text
