"""The fund's run-out forecast over HTTP: run now, read the latest; fen and basis points only;
hostile knobs refused in Chinese with a stable code and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from lenders.fund import forecast_queries
from tests.factories import bearer, make_user
from tests.lenders.fund import office_world
from tests.lenders.fund.office_world import CAPITAL_FEN, PAYOUT_FEN, RETURNED_FEN

SMALL = {"paths": 200, "horizon_months": 6, "seed": 5}


@pytest.fixture
def office(db: Session) -> User:
    office_world.build(db)
    return make_user(db, Role.OFFICE)


def test_no_forecast_yet_is_404_in_chinese(client: TestClient, office: User) -> None:
    response = client.get("/api/v1/fund/forecast", headers=bearer(office))
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "fund_forecast_not_found" and "还没有" in body["detail"]


def test_run_now_then_read_the_latest(client: TestClient, db: Session, office: User) -> None:
    made = client.post("/api/v1/fund/forecast", json=SMALL, headers=bearer(office))
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["paths"], body["horizon_months"], body["seed"]) == (200, 6, 5)
    assert body["trigger"] == "api" and body["requested_by"] == f"user:{office.id}"
    assert body["capital_fen"] == CAPITAL_FEN - PAYOUT_FEN + RETURNED_FEN
    assert len(body["months"]) == 6 and len(body["actual"]) == 12
    assert body["months"][0]["expected_payout_fen"] >= 2 * 160_000_00  # the two open claims
    assert all(isinstance(m["expected_payout_fen"], int) for m in body["months"])
    # The twelve months before the forecast's first end with this one, when the claim was paid.
    assert [p["paid_fen"] for p in body["actual"]] == [0] * 11 + [PAYOUT_FEN]
    assert body["sentence"].startswith("按当前覆盖贷款和评分")
    latest = client.get("/api/v1/fund/forecast", headers=bearer(office))
    assert latest.status_code == 200 and latest.json()["id"] == body["id"]
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "fund.forecast")).all()
    assert [a.subject_id for a in audited] == [str(body["id"])]


def test_an_empty_body_takes_the_settings(client: TestClient, office: User) -> None:
    made = client.post("/api/v1/fund/forecast", headers=bearer(office))
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["paths"], body["horizon_months"], body["lgd_bp"]) == (2000, 24, 6000)


@pytest.mark.parametrize(
    "body",
    [
        {"paths": 0},
        {"paths": 10_001},
        {"paths": 2000.5},
        {"paths": "2000"},
        {"horizon_months": 61},
        {"horizon_months": -1},
        {"lgd_bp": 0},
        {"lgd_bp": 10_001},
        {"unscored_pd_bp": -5},
        {"seed": -1},
        {"seed": 2**63},
        {"seed": True},
        {"paths": None, "extra": 1},
        [1, 2],
        "x",
    ],
)
def test_hostile_knobs_are_refused_and_nothing_is_stored(
    client: TestClient, db: Session, office: User, body: Any
) -> None:
    response = client.post("/api/v1/fund/forecast", json=body, headers=bearer(office))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert forecast_queries.forecasts_count(db) == 0


def test_a_body_that_is_not_json_is_refused(client: TestClient, db: Session, office: User) -> None:
    response = client.post(
        "/api/v1/fund/forecast",
        content=b"\xff\xfe{",
        headers={**bearer(office), "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text  # not a body at all: refused
    assert response.headers["content-type"].startswith("application/problem+json")
    assert forecast_queries.forecasts_count(db) == 0


@pytest.mark.parametrize("role", [Role.DATA_OPERATOR])  # every other caller: the matrix
def test_only_office_and_admin(client: TestClient, db: Session, office: User, role: Role) -> None:
    other = make_user(db, role)
    assert client.get("/api/v1/fund/forecast", headers=bearer(other)).status_code == 403
    refused = client.post("/api/v1/fund/forecast", json=SMALL, headers=bearer(other))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert forecast_queries.forecasts_count(db) == 0
