"""金融办's monitoring pages (监测看板) on the hand-built city of tests/monitoring/world.py:
the figures each page shows, worked out by hand; the charts' numbers beside their tables; the
month, cut and indicator pickers (a mangled one is a notice, never an error); and the form that
sets targets and enters figures, with its refusals in Chinese beside the field."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.clock import to_local
from app.monitoring import targets
from app.monitoring.models import MonitoringFigure, MonitoringTarget
from app.monitoring.refresh import refresh
from app.monitoring.targets import TargetSet
from tests.clock import CityClock
from tests.factories import make_user
from tests.monitoring import world
from tests.pages.helpers import post_form, sign_in

PAGES = (
    "/monitoring",
    "/monitoring/funnel",
    "/monitoring/whitelist",
    "/monitoring/breakdown",
    "/monitoring/trend",
    "/monitoring/league",
    "/monitoring/targets",
)


@pytest.fixture
def city(db: Session) -> world.City:
    built = world.build(db)
    refresh(db, actor=SystemActor("test"), through="2026-12")
    return built


@pytest.fixture
def office(db: Session, client: TestClient) -> User:
    user = make_user(db, Role.OFFICE, display_name="金融办李四")
    sign_in(client, user)
    return user


def cells(html: str, row_id: str) -> list[str]:
    found = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.S)
    assert found, f"no row {row_id}"
    return [unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def chart(html: str, key: str) -> dict[str, object]:
    found = re.search(
        rf'<script type="application/json" id="{key}-chart">(.*?)</script>', html, re.S
    )
    assert found, f"no chart {key}"
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_the_overview_shows_targets_and_every_indicator(
    client: TestClient, db: Session, city: world.City, office: User
) -> None:
    targets.set_target(
        db,
        data=TargetSet(
            indicator="balance_outstanding", start_month="2026-10", due_month="2026-12",
            target="1400000",
        ),
        actor=SystemActor("test"),
    )  # fmt: skip
    page = client.get("/monitoring?month=2026-11")
    assert page.status_code == 200, page.text
    assert cells(page.text, "targets-balance_outstanding-city") == [
        "平台贷款余额", "全市", "2026-10", "2026-12", "140.00 万元", "126.67 万元", "130.00 万元",
        "进度正常",
    ]  # fmt: skip
    assert cells(page.text, "indicators-platform_loan_amount") == [
        "平台放款金额", "50.00 万元", "—", "150.00 万元", "放款金额"
    ]  # fmt: skip
    assert cells(page.text, "indicators-average_rate")[1] == "5.00%"
    assert cells(page.text, "indicators-balance_outstanding")[2] == "44.44%"  # 90 → 130 万元
    assert 'href="/api/v1/monitoring/report.xlsx?month=2026-11"' in page.text
    assert 'href="/api/v1/monitoring/tables/targets.xlsx?month=2026-11"' in page.text
    assert '<script src="/static/monitoring-charts.js" defer></script>' in page.text
    assert 'aria-current="page">监测看板</a>' in page.text  # the header's link, here


def test_the_funnel_page_and_its_chart(client: TestClient, city: world.City, office: User) -> None:
    page = client.get("/monitoring/funnel?month=2026-11")
    assert cells(page.text, "funnel-leads_approved") == ["审批通过", "1", "2"]
    assert cells(page.text, "funnel-applications") == ["融资申请", "0", "3"]
    assert cells(page.text, "funnel-approval_ratio") == ["审批通过率", "100.00%", "66.67%"]
    assert cells(page.text, "funnel-obtained_ratio") == ["申请获贷率", "—", "66.67%"]
    drawn = chart(page.text, "funnel")
    assert drawn["categories"][:2] == ["融资申请", "推送银行"]  # type: ignore[index]
    assert drawn["series"] == [  # the counts only: no ratio on the count axis
        {"name": "当月", "data": [0, 0, 0, 0, 1, 0, 1, 0]},
        {"name": "累计", "data": [3, 4, 3, 1, 2, 1, 2, 1]},
    ]


def test_the_whitelist_page(client: TestClient, city: world.City, office: User) -> None:
    page = client.get("/monitoring/whitelist?month=2026-11")
    assert cells(page.text, "whitelist-2026-10") == ["2026-10", "2", "1", "0", "1", "50.00%"]
    assert cells(page.text, "whitelist-2026-11") == ["2026-11", "1", "0", "1", "1", "100.00%"]
    drawn = chart(page.text, "whitelist")
    assert drawn["kind"] == "line" and drawn["categories"][-1] == "2026-11"  # type: ignore[index]


def test_the_breakdown_by_district_industry_and_bank(
    client: TestClient, city: world.City, office: User
) -> None:
    page = client.get("/monitoring/breakdown?month=2026-11&by=district&code=balance_outstanding")
    assert cells(page.text, "by_district-balance_outstanding") == [
        "平台贷款余额", "130.00 万元", "0.00 万元", "130.00 万元"
    ]  # fmt: skip
    assert chart(page.text, "by_district") == {
        "kind": "bar", "categories": ["吴兴区", "南浔区"], "unit": "万元",
        "series": [{"name": "平台贷款余额", "data": [130.0, 0.0]}],
    }  # fmt: skip
    assert 'href="/api/v1/monitoring/tables/breakdown.xlsx?month=2026-11&amp;by=district"' in (
        page.text
    )
    industry = client.get("/monitoring/breakdown?month=2026-10&by=industry_section&cumulative=1")
    assert cells(industry.text, "by_industry_section-applications") == ["融资申请数", "2", "1", "3"]
    assert "C 制造业" in industry.text and "F 批发和零售业" in industry.text
    assert "breakdown.xlsx?month=2026-10&amp;by=industry_section&amp;cumulative=true" in (
        industry.text
    )
    bank = client.get("/monitoring/breakdown?month=2026-10&by=lender_code")
    assert cells(bank.text, "by_lender_code-leads_offered") == ["推送线索数", "2", "1", "3"]
    assert city.bank_a.name in bank.text


def test_the_trend_page_for_the_city_and_by_bank(
    client: TestClient, city: world.City, office: User
) -> None:
    page = client.get("/monitoring/trend?month=2026-12&code=balance_outstanding")
    assert cells(page.text, "trend-2026-12") == ["2026-12", "125.00 万元", "-3.85%", "125.00 万元"]
    drawn = chart(page.text, "trend")
    assert drawn["series"][0]["data"][-4:] == [100.0, 90.0, 130.0, 125.0]  # type: ignore[index]
    by_bank = client.get("/monitoring/trend?month=2026-10&code=leads_offered&by=lender_code")
    assert cells(by_bank.text, "trend-2026-10") == ["2026-10", "2", "1"]


def test_the_league_page(client: TestClient, city: world.City, office: User) -> None:
    page = client.get("/monitoring/league?month=2026-10")
    assert cells(page.text, "league-bank-a")[:6] == ["1", city.bank_a.name, "2", "0", "0", "—"]
    assert 'href="/api/v1/monitoring/tables/league.xlsx?month=2026-10"' in page.text


@pytest.mark.parametrize(
    "query",
    ["month=2026-13", "month=%EF%BC%92026-11", "month=%3D1%2B2", "month=9999-12",
     "month=" + "9" * 5000, "by=uscc", "by=%27%3B--", "code=DROP%20TABLE", "code=no_such",
     "cumulative=%00", "month[]=1&by[]=x"],
)  # fmt: skip
def test_a_mangled_choice_is_a_notice_on_the_default_page(
    client: TestClient, office: User, query: str
) -> None:
    for path in PAGES[:6]:
        page = client.get(f"{path}?{query}")
        assert page.status_code == 200, (path, query, page.text[:300])
    shown = client.get(f"/monitoring/breakdown?{query}")
    if "month[]" not in query and "cumulative" not in query:
        assert 'class="error" role="alert"' in shown.text, query
        assert "已" in shown.text


def test_the_default_month_is_the_city_s(
    city_clock: CityClock, client: TestClient, office: User
) -> None:
    today = to_local(datetime.now(UTC))
    page = client.get("/monitoring")
    assert f"<small>{today.year:04d}-{today.month:02d}</small>" in page.text


def test_banks_and_enterprises_are_refused_and_visitors_sent_to_sign_in(
    client: TestClient, db: Session, city: world.City
) -> None:
    for path in PAGES:
        assert client.get(path, follow_redirects=False).status_code == 303
    sign_in(client, make_user(db, Role.LENDER_USER, lender_id=city.bank_a.id))
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 403 and "只有金融办和管理员" in page.text


def test_admin_sees_the_pages_in_its_navigation(
    client: TestClient, db: Session, city: world.City
) -> None:
    sign_in(client, make_user(db, Role.ADMIN))
    page = client.get("/monitoring/funnel?month=2026-11")
    assert page.status_code == 200 and 'href="/monitoring"' in page.text


def test_a_target_set_through_the_form_is_a_new_version_and_audited(
    client: TestClient, db: Session, office: User
) -> None:
    form = {
        "indicator": "platform_loan_amount", "district": "330502", "start_month": "2026-01",
        "due_month": "2026-12", "target": "5000000", "note": "=年度目标",
    }  # fmt: skip
    answer = post_form(client, "/monitoring/targets", form, form_page="/monitoring/targets")
    assert answer.status_code == 303 and answer.headers["location"].endswith("saved=target")
    row = db.exec(select(MonitoringTarget)).one()
    assert (row.indicator, row.district, row.version, row.target) == (
        "platform_loan_amount", "330502", 1, 500_000_000
    )  # fmt: skip
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "monitoring.target.set")).one()
    page = client.get("/monitoring/targets?saved=target")
    assert "目标已保存" in page.text
    assert cells(page.text, "target-platform_loan_amount-330502")[:6] == [
        "平台放款金额", "吴兴区", "1", "2026-01", "2026-12", "500.00 万元"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"due_month": "2025-12"}, "due_month", "目标月份不能早于起始月份"),
        ({"target": "1.234"}, "target", "小数位过多"),
        ({"target": "abc"}, "target", "格式不对"),
        ({"start_month": "2026-13"}, "start_month", "格式不对"),
        ({"indicator": "no_such"}, "indicator", "没有这个指标"),
    ],
)
def test_a_refused_target_says_why_beside_the_field_and_saves_nothing(
    client: TestClient, db: Session, office: User, change: dict[str, str], field: str, message: str
) -> None:
    form = {"indicator": "credit_loan_share", "start_month": "2026-01", "due_month": "2026-12",
            "target": "30", **change}  # fmt: skip
    answer = post_form(client, "/monitoring/targets", form, form_page="/monitoring/targets")
    assert answer.status_code == 422, answer.text
    error = re.search(rf'<span class="field-error" id="{field}-error" role="alert">(.*?)</span>',
                      answer.text)  # fmt: skip
    assert error and message in error.group(1), answer.text
    assert f'value="{change.get(field, "")}"' in answer.text or field == "indicator"
    assert db.exec(select(MonitoringTarget)).first() is None


def test_a_figure_entered_through_the_form_and_its_refusals(
    client: TestClient, db: Session, office: User
) -> None:
    form = {"measure": "market_entities", "district": "330503", "month": "2026-10",
            "value": "52000"}  # fmt: skip
    answer = post_form(client, "/monitoring/figures", form, form_page="/monitoring/targets")
    assert answer.status_code == 303
    row = db.exec(select(MonitoringFigure)).one()
    assert (row.measure, row.district, row.value, row.version) == ("market_entities", "330503",
                                                                     52000, 1)  # fmt: skip
    page = client.get("/monitoring/targets")
    assert cells(page.text, f"figure-{row.id}")[:5] == ["市场主体数", "南浔区", "2026-10", "1",
                                                         "52,000"]  # fmt: skip
    city_wide = {**form, "district": ""}
    refused = post_form(client, "/monitoring/figures", city_wide, form_page="/monitoring/targets")
    assert refused.status_code == 422
    assert re.search(r'id="district-error" role="alert">[^<]*按区县填报', refused.text)
    decimals = {**form, "value": "1.5"}
    refused = post_form(client, "/monitoring/figures", decimals, form_page="/monitoring/targets")
    assert refused.status_code == 422 and "是整数" in refused.text
    assert len(db.exec(select(MonitoringFigure)).all()) == 1
