"""The bank's leads: the inbox with deadlines, a lead's authorized data, and its answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.consent import service as consent_service
from app.consent.models import Authorization
from app.core.clock import utcnow
from app.monitoring.refresh import refresh
from lenders.deadlines.calendar import add_working_days
from lenders.leads import deadlines
from lenders.leads.models import DeadlineKind, DeclineReason, Lead, LeadStatus
from tests.pages.bank_world import Banks, banks, post


@pytest.fixture
def world(db: Session, client: TestClient) -> Banks:
    return banks(db, client)


def status_of(db: Session, lead: Lead) -> LeadStatus:
    db.expire_all()
    found = db.get(Lead, lead.id)
    assert found is not None
    return found.status


def test_a_bank_user_lands_on_its_leads_and_sees_every_page_in_its_navigation(
    client: TestClient, world: Banks
) -> None:
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/bank/leads"
    page = client.get("/bank/leads").text
    for link in ('href="/bank/leads"', 'href="/docs"', 'href="/account/password"'):
        assert link in page


def test_the_inbox_lists_own_leads_with_their_working_day_countdown(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db)
    lead.respond_by = add_working_days(utcnow(), 3)
    late = world.lead(db)
    late.respond_by = utcnow() - timedelta(hours=1)
    theirs = world.lead(db, other_bank=True)
    db.add_all([lead, late])
    db.commit()
    page = client.get("/bank/leads")
    assert page.status_code == 200
    assert f"/bank/leads/{lead.id}" in page.text and f"/bank/leads/{late.id}" in page.text
    assert f'/bank/leads/{theirs.id}"' not in page.text
    assert "剩余 3 个工作日" in page.text and "已超时" in page.text


def test_the_inbox_filters_by_status_and_pages(
    client: TestClient, db: Session, world: Banks
) -> None:
    offered = world.lead(db)
    accepted = world.lead(db, accept=True)
    page = client.get("/bank/leads?status=accepted").text
    assert f'/bank/leads/{accepted.id}"' in page and f'/bank/leads/{offered.id}"' not in page
    first = client.get("/bank/leads?limit=1").text
    assert "共 2 条" in first and "下一页" in first


def test_a_bad_status_filter_shows_every_lead_with_a_notice(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db)
    page = client.get("/bank/leads?status=<script>")
    assert page.status_code == 200 and "筛选条件有误" in page.text
    assert f"/bank/leads/{lead.id}" in page.text and "<script>" not in page.text


def test_a_lead_shows_what_the_enterprise_authorized_and_the_read_is_audited(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db)
    lead.payload = {
        "enterprise": {"uscc": world.firm.uscc, "name": "湖州恒兴机械有限公司"},
        "application": {"amount_yuan": "500000.00", "term_months": 24, "purpose": "采购原材料"},
        "score": {"grade": "B", "grade_name": "良好", "points": 640, "as_of": "2026-11-01",
                  "reasons": [{"text": "纳税信用等级为 A"}]},
    }  # fmt: skip
    db.add(lead)
    db.commit()
    page = client.get(f"/bank/leads/{lead.id}")
    assert page.status_code == 200
    for shown in ("湖州恒兴机械有限公司", "采购原材料", "500000.00", "纳税信用等级为 A", "受理"):
        assert shown in page.text
    assert "平台没有该企业的联系电话" in page.text  # the registry holds none for this firm
    reads = db.exec(select(AuditEvent).where(AuditEvent.subject_id == world.firm.uscc)).all()
    assert any(event.detail.get("what") == "lead" for event in reads)


def test_a_revoked_consent_closes_the_data_but_not_the_lead(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db)
    lead.payload = {"enterprise": {"uscc": world.firm.uscc, "name": "湖州恒兴机械有限公司"}}
    db.add(lead)
    for grant in db.exec(select(Authorization).where(Authorization.uscc == world.firm.uscc)):
        assert grant.id is not None
        consent_service.revoke(
            db, uscc=world.firm.uscc, authorization_id=grant.id, reason=None, actor=world_actor()
        )
    db.commit()
    page = client.get(f"/bank/leads/{lead.id}")
    assert page.status_code == 200 and "授权已失效或已撤回" in page.text
    assert "湖州恒兴机械有限公司" not in page.text


def test_the_enterprises_contact_phone_shows_only_while_its_consent_is_in_force(
    client: TestClient, db: Session, world: Banks
) -> None:
    world.firm.contact_phone = "13812345678"
    db.add(world.firm)
    lead = world.lead(db)
    page = client.get(f"/bank/leads/{lead.id}").text
    assert 'href="tel:13812345678"' in page and "凭企业授权提供" in page
    for grant in db.exec(select(Authorization).where(Authorization.uscc == world.firm.uscc)):
        assert grant.id is not None
        consent_service.revoke(
            db, uscc=world.firm.uscc, authorization_id=grant.id, reason=None, actor=world_actor()
        )
    db.commit()
    page = client.get(f"/bank/leads/{lead.id}").text
    assert "授权已失效或已撤回" in page
    assert "5678" not in page and "企业联系电话" not in page


def world_actor() -> SystemActor:
    return SystemActor("test")


def test_another_banks_lead_is_not_found_and_cannot_be_answered(
    client: TestClient, db: Session, world: Banks
) -> None:
    theirs = world.lead(db, other_bank=True)
    assert client.get(f"/bank/leads/{theirs.id}").status_code == 404
    for action, data in (
        ("accept", {}),
        ("decline", {"reason": "credit_risk"}),
        ("approval", {"amount_yuan": "500000.00", "term_months": "12", "rate_percent": "4.20"}),
        ("rejection", {"note": "不符合"}),
        ("disbursement", {"contract_id": "X-1", "disbursed_on": "2026-11-02",
                          "amount_yuan": "1.00"}),
    ):  # fmt: skip
        answer = post(client, f"/bank/leads/{theirs.id}/{action}", data, form="/bank/leads")
        assert answer.status_code == 404, action
    assert status_of(db, theirs) is LeadStatus.OFFERED


def test_accept_then_approve_within_the_products_ranges(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db)
    answer = post(client, f"/bank/leads/{lead.id}/accept", {}, form=f"/bank/leads/{lead.id}")
    assert answer.status_code == 303 and answer.headers["location"] == f"/bank/leads/{lead.id}"
    assert status_of(db, lead) is LeadStatus.ACCEPTED
    assert "审批通过" in client.get(f"/bank/leads/{lead.id}").text
    answer = post(
        client, f"/bank/leads/{lead.id}/approval",
        {"amount_yuan": "400000.50", "term_months": "12", "rate_percent": "4.2"},
        form=f"/bank/leads/{lead.id}",
    )  # fmt: skip
    assert answer.status_code == 303
    assert status_of(db, lead) is LeadStatus.APPROVED
    approved = db.get(Lead, lead.id)
    assert approved is not None
    assert (approved.approved_amount_fen, approved.approved_rate_bp) == (40_000_050, 420)
    assert approved.approved_term_months == 12
    assert "放款登记" in client.get(f"/bank/leads/{lead.id}").text


def test_accepting_twice_is_refused_in_chinese(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db, accept=True)
    answer = post(client, f"/bank/leads/{lead.id}/accept", {}, form=f"/bank/leads/{lead.id}")
    assert answer.status_code == 409 and "当前状态不允许" in answer.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount_yuan": "1,000", "term_months": "12", "rate_percent": "4.20"}, "不是金额"),
        ({"amount_yuan": "-5", "term_months": "12", "rate_percent": "4.20"}, "负数"),
        ({"amount_yuan": "500000.001", "term_months": "12", "rate_percent": "4.20"}, "不是金额"),
        ({"amount_yuan": "9" * 40, "term_months": "12", "rate_percent": "4.20"}, "大得不合理"),
        ({"amount_yuan": "500000", "term_months": "十二", "rate_percent": "4.20"}, "请填写整数"),
        ({"amount_yuan": "500000", "term_months": "12", "rate_percent": "3.855"}, "百分数"),
        ({"amount_yuan": "500000", "term_months": "12", "rate_percent": "abc"}, "百分数"),
        ({"amount_yuan": "50.00", "term_months": "12", "rate_percent": "4.20"}, "超出产品范围"),
        ({"amount_yuan": "500000", "term_months": "12", "rate_percent": "30"}, "超出产品范围"),
        ({"amount_yuan": "500000", "term_months": "120", "rate_percent": "4.20"}, "超出产品范围"),
    ],
)
def test_a_bad_approval_is_refused_and_changes_nothing(
    client: TestClient, db: Session, world: Banks, data: dict[str, str], message: str
) -> None:
    lead = world.lead(db, accept=True)
    answer = post(client, f"/bank/leads/{lead.id}/approval", data, form=f"/bank/leads/{lead.id}")
    assert answer.status_code == 422 and message in answer.text
    assert status_of(db, lead) is LeadStatus.ACCEPTED


def test_decline_with_a_reason_code(client: TestClient, db: Session, world: Banks) -> None:
    lead = world.lead(db)
    page = client.get(f"/bank/leads/{lead.id}").text
    assert "不符合本行授信政策" in page and "无法联系企业" in page  # the fixed list, in Chinese
    answer = post(
        client, f"/bank/leads/{lead.id}/decline", {"reason": "credit_risk", "note": "负债偏高"},
        form=f"/bank/leads/{lead.id}",
    )  # fmt: skip
    assert answer.status_code == 303
    assert status_of(db, lead) is LeadStatus.DECLINED
    declined = db.get(Lead, lead.id)
    assert declined is not None and declined.decline_reason is DeclineReason.CREDIT_RISK
    assert "信用风险较高" in client.get(f"/bank/leads/{lead.id}").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "no_such_reason"}, "请从列表中选择"),
        ({}, "请填写此项"),
        ({"reason": "other"}, "请填写说明"),
        ({"reason": "credit_risk", "note": "长" * 501}, "不能超过 500 个字符"),
    ],
)
def test_a_bad_decline_is_refused_and_changes_nothing(
    client: TestClient, db: Session, world: Banks, data: dict[str, str], message: str
) -> None:
    lead = world.lead(db)
    answer = post(client, f"/bank/leads/{lead.id}/decline", data, form=f"/bank/leads/{lead.id}")
    assert answer.status_code == 422 and message in answer.text
    assert status_of(db, lead) is LeadStatus.OFFERED


def test_reject_with_a_reason_and_an_over_long_one_is_refused(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db, accept=True)
    too_long = post(
        client, f"/bank/leads/{lead.id}/rejection", {"note": "长" * 501},
        form=f"/bank/leads/{lead.id}",
    )  # fmt: skip
    assert too_long.status_code == 422 and "不能超过 500 个字符" in too_long.text
    assert status_of(db, lead) is LeadStatus.ACCEPTED
    answer = post(
        client, f"/bank/leads/{lead.id}/rejection", {"note": "经营流水不足"},
        form=f"/bank/leads/{lead.id}",
    )  # fmt: skip
    assert answer.status_code == 303 and status_of(db, lead) is LeadStatus.REJECTED
    assert "经营流水不足" in client.get(f"/bank/leads/{lead.id}").text


def test_an_enterprise_user_cannot_open_the_bank_pages(
    client: TestClient, db: Session, world: Banks
) -> None:
    from app.accounts.models import Role
    from tests.factories import make_user
    from tests.pages.helpers import sign_in

    sign_in(client, make_user(db, Role.ENTERPRISE, uscc=world.firm.uscc))
    db.commit()
    answer = client.get("/bank/leads")
    assert answer.status_code == 403 and "仅供金融机构用户使用" in answer.text


def test_the_inbox_shows_the_banks_own_response_figures(
    client: TestClient, db: Session, world: Banks
) -> None:
    world.lead(db, accept=True)
    world.lead(db)
    theirs = world.lead(db, other_bank=True)
    post(client, f"/bank/leads/{theirs.id}/accept", {}, form="/bank/leads")  # refused: 404
    page = client.get("/bank/leads").text
    assert "本行响应情况" in page and "已响应线索</dt><dd>1 条" in page
    assert "其中通过 0 条" in page


def test_an_approval_outside_the_products_range_is_refused_beside_its_field(
    client: TestClient, db: Session, world: Banks
) -> None:
    lead = world.lead(db, accept=True)
    data = {"amount_yuan": "50.00", "term_months": "12", "rate_percent": "30"}
    answer = post(client, f"/bank/leads/{lead.id}/approval", data, form=f"/bank/leads/{lead.id}")
    assert answer.status_code == 422
    page = answer.text
    amount = page.index('id="amount_yuan-error"')
    assert "金额超出产品范围，须在" in page[amount : amount + 200]
    rate = page.index('id="rate_percent-error"')
    assert "年利率超出产品范围，须在" in page[rate : rate + 200]
    assert 'id="term_months-error"' not in page  # the term was within the range
    assert 'value="50.00"' in page and 'value="30"' in page  # nothing typed is lost
    assert status_of(db, lead) is LeadStatus.ACCEPTED


def test_the_inbox_shows_the_banks_place_in_the_offices_league(
    client: TestClient, db: Session, world: Banks
) -> None:
    assert "暂未上榜" in client.get("/bank/leads").text  # nothing rebuilt yet
    lead = world.lead(db)
    deadlines.start(db, lead=lead, kind=DeadlineKind.RESPOND, at=lead.offered_at, working_days=3)
    world.lead(db, other_bank=True)  # the other bank has a lead and no answer yet
    db.commit()
    post(client, f"/bank/leads/{lead.id}/accept", {}, form="/bank/leads")  # in time, this month
    refresh(db, actor=SystemActor("test"))
    db.commit()
    page = client.get("/bank/leads").text
    place = page[page.index('id="league-place"') :]
    assert "本行排名</dt><dd>第 1 名，共 2 家" in place
    assert "按时响应</dt><dd>1 / 1 条（100.0%）" in place
    assert "超出时限</dt><dd>0 次" in place
