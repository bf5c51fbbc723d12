"""The monitoring API: the registry, values with cuts, the rebuild; and what it refuses."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.monitoring.models import MonitoringCell
from tests.factories import bearer, make_enterprise, make_lender, make_user
from tests.monitoring import world


@pytest.fixture
def office(db: Session) -> dict[str, str]:
    return bearer(make_user(db, Role.OFFICE))


def test_the_registry_lists_every_indicator(client: TestClient, office: dict[str, str]) -> None:
    answer = client.get("/api/v1/monitoring/indicators", headers=office)
    assert answer.status_code == 200
    rows = {row["code"]: row for row in answer.json()["data"]}
    assert rows["approval_ratio"]["formula"] == "审批通过数 ÷ 审批决定数"
    assert rows["approval_ratio"]["unit"] == "ratio" and answer.json()["count"] == len(rows)


def test_values_after_a_refresh_by_bank_and_cumulative(
    client: TestClient, db: Session, office: dict[str, str]
) -> None:
    world.build(db)
    assert (
        client.get(
            "/api/v1/monitoring/values?code=platform_loans&from=2026-09&to=2026-12", headers=office
        ).json()["refreshed_at"]
        is None
    )  # nothing rebuilt yet: the figures are empty, and say so
    refreshed = client.post("/api/v1/monitoring/refresh", headers=office)
    assert refreshed.status_code == 200 and refreshed.json()["cells"] > 0
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "monitoring.refresh")).first()
    answer = client.get(
        "/api/v1/monitoring/values",
        params={"code": "leads_offered", "from": "2026-10", "to": "2026-10", "by": "lender_code"},
        headers=office,
    )
    assert answer.status_code == 200
    body = answer.json()
    assert [(p["group"], p["value"]) for p in body["data"]] == [("bank-a", 2), ("bank-b", 1)]
    assert body["refreshed_at"] is not None and body["indicator"]["name"] == "推送线索数"
    ratio = client.get(
        "/api/v1/monitoring/values",
        params={"code": "approval_ratio", "from": "2026-12", "to": "2026-12", "cumulative": True},
        headers=office,
    ).json()["data"][0]
    assert (ratio["numerator"], ratio["denominator"], ratio["value"]) == (2, 3, "0.6667")
    narrowed = client.get(
        "/api/v1/monitoring/values",
        params={"code": "applications", "from": "2026-10", "to": "2026-10", "district": "330503"},
        headers=office,
    ).json()["data"]
    assert [p["value"] for p in narrowed] == [1]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"code": "platform_loans", "from": "2026-13", "to": "2026-12"}, "validation_error"),
        ({"code": "platform_loans", "from": "2026-09"}, "validation_error"),
        ({"code": "platform_loans", "from": "2026-12", "to": "2026-09"}, "monitoring_bad_months"),
        (
            {"code": "no_such_thing", "from": "2026-09", "to": "2026-12"},
            "monitoring_unknown_indicator",
        ),
        ({"code": "=HYPERLINK(1)", "from": "2026-09", "to": "2026-12"}, "validation_error"),
        (
            {"code": "platform_loans", "from": "2026-09", "to": "2026-12", "by": "uscc"},
            "validation_error",
        ),
        (
            {"code": "platform_loans", "from": "2026-09", "to": "2026-12", "district": "'; --"},
            "validation_error",
        ),
        ({"code": "platform_loans", "from": "../../", "to": "2026-12"}, "validation_error"),
        # full-width digits are not digits of a month or a division code
        ({"code": "platform_loans", "from": "２０２６-09", "to": "2026-12"}, "validation_error"),
        (
            {
                "code": "platform_loans",
                "from": "2026-09",
                "to": "2026-12",
                "district": "３３０５０２",
            },
            "validation_error",
        ),
        ({"code": "x" * 5000, "from": "2026-09", "to": "2026-12"}, "validation_error"),
    ],
)
def test_hostile_or_bad_queries_get_a_code_and_change_nothing(
    client: TestClient, db: Session, office: dict[str, str], params: dict[str, str], code: str
) -> None:
    before = len(db.exec(select(MonitoringCell)).all())
    answer = client.get("/api/v1/monitoring/values", params=params, headers=office)
    assert answer.status_code in (404, 422)
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code
    assert len(db.exec(select(MonitoringCell)).all()) == before


def test_a_bank_and_an_enterprise_are_refused(client: TestClient, db: Session) -> None:
    bank_user = make_user(db, Role.LENDER_USER, lender_id=make_lender(db).id)
    firm_user = make_user(db, Role.ENTERPRISE, uscc=make_enterprise(db).uscc)
    for user in (bank_user, firm_user, make_user(db, Role.DATA_OPERATOR)):
        headers = bearer(user)
        assert client.get("/api/v1/monitoring/indicators", headers=headers).status_code == 403
        assert client.post("/api/v1/monitoring/refresh", headers=headers).status_code == 403


def test_the_office_sets_a_target_and_reads_its_standing(
    client: TestClient, db: Session, office: dict[str, str]
) -> None:
    world.build(db)
    client.post("/api/v1/monitoring/refresh", headers=office)
    body = {
        "indicator": "platform_loan_amount",
        "start_month": "2026-09",
        "due_month": "2026-12",
        "target": "3000000",
        "note": "全年放款目标",
    }
    made = client.post("/api/v1/monitoring/targets", json=body, headers=office)
    assert made.status_code == 201 and made.json()["target"] == 300_000_000
    assert made.json()["version"] == 1
    status = client.get("/api/v1/monitoring/status?month=2026-10", headers=office).json()
    [row] = status["data"]
    assert (row["actual"], row["expected"], row["standing"], row["label"]) == (
        100_000_000,
        "150000000.00",
        "behind",
        "落后于进度",
    )
    versions = client.get(
        "/api/v1/monitoring/target-versions?indicator=platform_loan_amount", headers=office
    ).json()
    assert versions["count"] == 1 and versions["data"][0]["note"] == "全年放款目标"
    refused = client.post(
        "/api/v1/monitoring/targets", json=body | {"target": "1.234"}, headers=office
    )
    assert refused.status_code == 422 and refused.json()["code"] == "monitoring_bad_target"
    extra = client.post("/api/v1/monitoring/targets", json=body | {"x": 1}, headers=office)
    assert extra.status_code == 422
    assert client.get("/api/v1/monitoring/targets", headers=office).json()["count"] == 1
