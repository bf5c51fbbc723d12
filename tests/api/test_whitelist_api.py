"""The whitelist over HTTP: policy changes, refresh, versions and changes, and the why."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.enterprises.models import Enterprise
from tests.factories import bearer, make_user
from whitelist.models import WhitelistPolicy

Make = Callable[..., Enterprise]


def test_office_refreshes_and_reads_the_version_and_its_diff(
    client: TestClient, db: Session, qualified: Make
) -> None:
    joining, kept_out = qualified(), qualified(grade="C")
    office = bearer(make_user(db, Role.OFFICE))
    db.commit()
    refreshed = client.post("/api/v1/whitelist/refresh", headers=office)
    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert body["changed"] and body["version"]["number"] == 1 and body["version"]["joins"] == 1
    again = client.post("/api/v1/whitelist/refresh", headers=office).json()
    assert again["changed"] is False and again["version"]["number"] == 1
    changes = client.get("/api/v1/whitelist/versions/1/changes", headers=office).json()
    assert [c["uscc"] for c in changes["data"]] == [joining.uscc]
    assert client.get("/api/v1/whitelist/versions", headers=office).json()["count"] == 1
    missing = client.get("/api/v1/whitelist/versions/9", headers=office)
    assert missing.status_code == 404 and missing.json()["code"] == "whitelist_version_not_found"
    assert kept_out.uscc not in {c["uscc"] for c in changes["data"]}


def test_the_enterprise_reads_why_rule_by_rule(
    client: TestClient, db: Session, qualified: Make
) -> None:
    firm = qualified(grade="C")
    user = make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    db.commit()
    response = client.get(f"/api/v1/enterprises/{firm.uscc}/whitelist", headers=bearer(user))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["on_whitelist"] is False and body["qualifies_now"] is False
    rules = {r["rule"]: r for r in body["rules"]}
    assert rules["grade"]["passed"] is False and rules["grade"]["value"] == "C"
    assert rules["grade"]["text"] == "信用等级 C，需为 A、B"
    assert rules["operating_months"]["passed"] and rules["consent"]["passed"]
    assert rules["demand"]["passed"] and rules["entity_active"]["passed"]


def test_the_office_changes_the_policy_and_bad_input_changes_nothing(
    client: TestClient, db: Session
) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    db.commit()
    before = db.exec(select(func.count()).select_from(WhitelistPolicy)).one()
    changed = client.post(
        "/api/v1/whitelist/policies",
        json={"allowed_grades": ["A"], "min_operating_months": 24, "note": "收紧"},
        headers=office,
    )
    assert changed.status_code == 201, changed.text
    assert changed.json()["version"] == before + 1 and changed.json()["allowed_grades"] == ["A"]
    current = client.get("/api/v1/whitelist/policy", headers=office).json()
    assert current["version"] == before + 1 and current["demand_window_days"] == 90
    audited = db.exec(
        select(AuditEvent).where(AuditEvent.action == "whitelist_policy.changed")
    ).one()
    assert audited.detail["changed"] == {"allowed_grades": ["A"], "min_operating_months": 24}


@pytest.mark.parametrize(
    "body",
    [
        {"allowed_grades": ["Z"]},
        {"demand_window_days": 0},
        {"min_operating_months": "twelve"},
        {"disqualifying_lists": ["red_list"]},
        {"unknown": True},
    ],
)
def test_bad_policy_changes_are_refused(
    client: TestClient, db: Session, body: dict[str, Any]
) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    db.commit()
    before = db.exec(select(func.count()).select_from(WhitelistPolicy)).one()
    response = client.post("/api/v1/whitelist/policies", json=body, headers=office)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert db.exec(select(func.count()).select_from(WhitelistPolicy)).one() == before


def test_refresh_without_scores_from_the_champion_is_a_clear_conflict(
    client: TestClient, db: Session, champion: object
) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    db.commit()
    response = client.post("/api/v1/whitelist/refresh", headers=office)
    assert response.status_code == 409 and response.json()["code"] == "champion_not_scored"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/whitelist/versions/0",
        "/api/v1/whitelist/versions/x",
        "/api/v1/whitelist/versions/1/changes?kind=maybe",
        "/api/v1/whitelist/versions?limit=0",
    ],
)
def test_bad_whitelist_queries_are_422(client: TestClient, db: Session, url: str) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    db.commit()
    response = client.get(url, headers=office)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_the_office_exports_a_version_to_excel(
    client: TestClient, db: Session, qualified: Make
) -> None:
    joining, kept_out = qualified(), qualified(grade="C")
    office = bearer(make_user(db, Role.OFFICE))
    db.commit()
    client.post("/api/v1/whitelist/refresh", headers=office)
    response = client.get("/api/v1/whitelist/versions/1/export", headers=office)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"] == 'attachment; filename="whitelist-v1.xlsx"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    members = list(book["白名单"].iter_rows(values_only=True))
    assert str(members[0][0]).startswith("白名单第 1 版") and "成员截至" in str(members[0][0])
    assert members[1][:2] == ("统一社会信用代码", "企业名称")
    assert [row[0] for row in members[2:]] == [joining.uscc]
    assert kept_out.uscc not in {row[0] for row in book["变动"].iter_rows(values_only=True)}
    missing = client.get("/api/v1/whitelist/versions/9/export", headers=office)
    assert missing.status_code == 404 and missing.json()["code"] == "whitelist_version_not_found"
