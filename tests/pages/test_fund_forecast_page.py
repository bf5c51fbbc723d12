"""The office's fund page shows the run-out forecast: a sentence in Chinese, the chart's
container fed by the same figures as the table beside it (readable without script), the
vendored ECharts and the page's own script file, and 立即预测 through a CSRF form."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.core.clock import to_local, utcnow
from lenders.fund import forecast, forecast_queries
from lenders.fund.forecast import ForecastParameters
from lenders.fund.models import ForecastTrigger
from tests.clock import CityClock
from tests.factories import make_user
from tests.lenders.fund import office_world
from tests.lenders.fund.office_world import FundWorld
from tests.pages.helpers import post_form, sign_in

SMALL = ForecastParameters(paths=200, horizon_months=6, lgd_bp=6000, unscored_pd_bp=500, seed=3)


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


def chart_data(text: str) -> dict[str, list[object]]:
    found = re.search(r'id="forecast-chart"[^>]*data-forecast="([^"]*)"', text)
    assert found, "no chart container with its data"
    data: dict[str, list[object]] = json.loads(html.unescape(found.group(1)))
    return data


def table_rows(text: str) -> list[str]:
    table = re.search(r'<table[^>]*id="forecast-table">(.*?)</table>', text, re.S)
    assert table, "no forecast table"
    return re.findall(r'<tr id="forecast-(\d{4}-\d{2})">', table.group(1))


def test_before_any_forecast_the_page_says_so_and_shows_paid_claims(
    city_clock: CityClock, client: TestClient, world: FundWorld, office: User
) -> None:
    text = client.get("/fund").text
    assert "还没有资金耗尽预测" in text
    today = to_local(utcnow()).date()
    months = table_rows(text)
    assert len(months) == 12 and months[-1] == f"{today.year}-{today.month:02d}"
    data = chart_data(text)
    assert data["paid"][-1] == 80_000_00 and data["expected"] == [None] * 12


def test_the_forecast_is_a_sentence_a_chart_and_a_table(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    forecast.run(db, trigger=ForecastTrigger.API, actor=office_world.APPROVER, parameters=SMALL)
    db.commit()
    page = client.get("/fund")
    assert page.status_code == 200
    text = page.text
    assert re.search(r'id="forecast-sentence"><strong>按当前覆盖贷款和评分，到 \d{4} 年', text)
    assert "200 条模拟路径" in text and "违约损失率（LGD）60%" in text
    assert len(table_rows(text)) == 12 + 6
    data = chart_data(text)
    assert len(data["months"]) == 18 and data["paid"][12:] == [None] * 6
    assert data["expected"][12] >= 2 * 160_000_00  # the open claims, in the first month
    first_row = re.search(rf'<tr id="forecast-{data["months"][12]}">(.*?)</tr>', text, re.S)
    assert first_row and f"{data['expected'][12] / 100:,.2f}" in first_row.group(1)
    # ECharts from the platform itself and the page's own script file; no inline script.
    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in text
    assert '<script src="/static/fund-forecast.js" defer></script>' in text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self'
    script = client.get("/static/fund-forecast.js")
    assert script.status_code == 200 and "echarts.init" in script.text
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200


def test_run_now_from_the_page(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    answer = post_form(client, "/fund/forecast", {}, form_page="/fund")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/fund?forecasted=true#fund-forecast"
    shown = client.get(answer.headers["location"]).text
    assert "已按当前覆盖贷款和评分重新预测" in shown and "手动运行" in shown
    assert forecast_queries.forecasts_count(db) == 1


def test_run_now_without_the_csrf_token_changes_nothing(
    client: TestClient, db: Session, world: FundWorld, office: User
) -> None:
    refused = client.post("/fund/forecast", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert forecast_queries.forecasts_count(db) == 0
