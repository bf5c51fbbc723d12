import json
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.core import db as core_db
from app.core.logging import JsonFormatter
from tests.factories import bearer, make_user


def test_healthz_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_fails_when_the_broker_is_unreachable(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XYD_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    core_db.get_settings.cache_clear()
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
        core_db.get_settings.cache_clear()
    assert response.status_code == 503
    assert response.json()["code"] == "unhealthy" and "broker" in response.json()["detail"]


@pytest.mark.redis
def test_healthz_checks_a_reachable_broker(
    client: TestClient, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XYD_BROKER_URL", redis_url)
    core_db.get_settings.cache_clear()
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
        core_db.get_settings.cache_clear()
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_metrics_count_requests_by_route_template(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    for code in ("91330502000000001X", "91330502000000002X"):
        client.get(f"/api/v1/enterprises/{code}", headers=bearer(office))
    text = client.get("/metrics").text
    line = next(
        row
        for row in text.splitlines()
        if row.startswith("xyd_http_requests_total{")
        and 'route="/api/v1/enterprises/{uscc}"' in row
        and 'status="404"' in row
    )
    assert float(line.rsplit(" ", 1)[1]) >= 2
    assert "xyd_http_request_duration_seconds_bucket" in text
    assert "91330502000000001X" not in text  # ids never become labels


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert made.headers["X-Request-ID"] != "bad id with spaces"
    assert len(made.headers["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="xyd.access"):
        client.get("/healthz", headers={"X-Request-ID": "trace-me"})
    record = next(r for r in caplog.records if r.name == "xyd.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request" and line["route"] == "/healthz"
    assert line["status"] == 200 and line["duration_ms"] >= 0
    assert line["request_id"] == "trace-me"


def test_unexpected_errors_are_problem_json_without_internals(app: FastAPI) -> None:
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "internal_error" and "secret" not in response.text
    assert body["request_id"] == response.headers.get("X-Request-ID", body["request_id"])


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_openapi_lists_problem_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    read = spec["paths"]["/api/v1/enterprises/{uscc}"]["get"]["responses"]
    assert "404" in read and "application/problem+json" in read["404"]["content"]
    assert client.get("/docs").status_code == 200


def test_probe_route_sends_its_task_after_commit(
    client: TestClient, db: Session, sent_tasks: list[tuple[str, dict[str, object]]]
) -> None:
    admin = make_user(db, Role.ADMIN)
    response = client.post("/api/v1/ops/probes", json={"hold_seconds": 1}, headers=bearer(admin))
    assert response.status_code == 202
    probe_id = response.json()["probe_id"]
    assert sent_tasks == [("ops.probe", {"probe_id": probe_id, "hold_seconds": 1.0})]
    status = client.get(f"/api/v1/ops/probes/{probe_id}", headers=bearer(admin)).json()
    assert status == {"probe_id": probe_id, "attempts": 0, "runs": 0}
    too_long = client.post("/api/v1/ops/probes", json={"hold_seconds": 601}, headers=bearer(admin))
    assert too_long.status_code == 422 and len(sent_tasks) == 1
