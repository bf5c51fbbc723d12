"""我的信用's data freshness: per source the newest data the platform holds for the firm, or
暂无数据; the same figures at GET /api/v1/enterprises/me/data-freshness."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.enterprises.models import Enterprise
from scoring.scores import freshness
from scoring.scores.online import SourceCache
from scoring.sources import service as source_service
from scoring.sources.store import SourceStore
from tests.factories import bearer, make_enterprise, make_user
from tests.pages.helpers import sign_in
from tests.scoring_fixtures import ACTOR


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SourceStore:
    store = SourceStore(tmp_path / "data")
    monkeypatch.setattr(freshness, "shared_cache", lambda: SourceCache(store))
    return store


@pytest.fixture
def firm(db: Session) -> Enterprise:
    return make_enterprise(db, name="湖州恒兴机械有限公司")


@pytest.fixture
def firm_user(db: Session, firm: Enterprise) -> User:
    return make_user(db, Role.ENTERPRISE, uscc=firm.uscc)


UTILITY_COLUMNS = ["uscc", "month", "electricity_kwh", "water_m3", "gas_m3", "billed_yuan",
                   "arrears_yuan"]  # fmt: skip


def load_utility(
    db: Session, store: SourceStore, tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    path = tmp_path / "utility.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=UTILITY_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    result = source_service.ingest_file(
        db, path=path, actor=ACTOR, kind="utility_monthly", store=store
    )
    assert result.batch.rows_loaded == len(rows)
    db.commit()


def test_my_credit_shows_each_sources_latest_month_or_no_data(
    client: TestClient, db: Session, store: SourceStore, firm: Enterprise, firm_user: User,
    tmp_path: Path,
) -> None:  # fmt: skip
    other = make_enterprise(db)
    load_utility(db, store, tmp_path, [
        {"uscc": firm.uscc, "month": "2026-08", "electricity_kwh": "1200"},
        {"uscc": firm.uscc, "month": "2026-09", "electricity_kwh": "1300"},
        {"uscc": other.uscc, "month": "2026-10", "electricity_kwh": "10"},
    ])  # fmt: skip
    sign_in(client, firm_user)
    page = client.get("/me")
    assert page.status_code == 200
    assert "数据更新情况" in page.text and "水电气月度数据" in page.text
    assert "2026-09" in page.text and "2026-10" not in page.text  # another firm's month
    assert "暂无数据" in page.text  # tax, social security … hold nothing for this firm
    api = client.get("/api/v1/enterprises/me/data-freshness", headers=bearer(firm_user))
    assert api.status_code == 200
    body = {row["kind"]: row for row in api.json()["data"]}
    assert body["utility_monthly"]["latest"] == "2026-09"
    assert body["utility_monthly"]["granularity"] == "month"
    assert body["tax_monthly"]["latest"] is None
    assert {"social_security_monthly", "housing_fund_monthly", "public_credit_events"} <= set(body)
    assert api.json()["count"] == len(body)


def test_a_firm_with_no_data_sees_no_data_everywhere(
    client: TestClient, db: Session, store: SourceStore, firm_user: User
) -> None:
    db.commit()
    rows = client.get("/api/v1/enterprises/me/data-freshness", headers=bearer(firm_user)).json()
    assert rows["count"] >= 5 and all(row["latest"] is None for row in rows["data"])


@pytest.mark.parametrize("role", [Role.OFFICE, Role.ADMIN, Role.DATA_OPERATOR])
def test_only_an_enterprise_has_its_own_freshness(
    client: TestClient, db: Session, store: SourceStore, role: Role
) -> None:
    other = make_user(db, role)
    db.commit()
    answer = client.get("/api/v1/enterprises/me/data-freshness", headers=bearer(other))
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
