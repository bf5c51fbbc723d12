"""Odd input gets a clear 4xx, never a server error; a server error still names its request."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.core.ids import MAX_ID
from tests.api.ownership_world import build_world
from tests.factories import bearer, make_lender, make_user

PAST_BIGINT = 2**63  # 9223372036854775808, the figure in the issue
PAST_INTEGER = MAX_ID + 1  # PostgreSQL's INTEGER ends at 2³¹−1
SCHEMA_REF = re.compile(r"#/components/schemas/(\w+)")


def _integers(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield where, node
        for key, value in node.items():
            yield from _integers(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _integers(value, f"{where}[{index}]")


def _request_schemas(openapi: dict[str, Any]) -> set[str]:
    components = openapi["components"]["schemas"]
    pending = [
        name
        for item in openapi["paths"].values()
        for operation in item.values()
        for name in SCHEMA_REF.findall(str(operation.get("requestBody", "")))
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending += SCHEMA_REF.findall(str(components[name]))
    return seen


def test_every_integer_the_api_takes_fits_an_id_column(app: FastAPI) -> None:
    # A new route or field with an unbounded integer fails here before it can reach the database.
    openapi = app.openapi()
    taken: list[tuple[str, dict[str, Any]]] = []
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']}:{parameter['name']}"
                taken += _integers(parameter["schema"], where)
    for name in _request_schemas(openapi):
        taken += _integers(openapi["components"]["schemas"][name], f"body {name}")
    # Any integer fits a signed 64-bit column (money is BIGINT fen); an id fits an id column.
    unbounded = [w for w, schema in taken if float(schema.get("maximum", "inf")) >= 2.0**63]
    assert not unbounded, "integers without a maximum:\n" + "\n".join(sorted(unbounded))
    ids = [w for w, s in taken if ("path:" in w or "_id" in w) and s["maximum"] > MAX_ID]
    assert not ids, "ids past 2³¹−1:\n" + "\n".join(sorted(ids))


def _path_routes(openapi: dict[str, Any]) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
            if any(p["schema"].get("type") == "integer" for p in parameters):
                yield method.upper(), path, parameters


@pytest.mark.parametrize("too_big", [PAST_INTEGER, PAST_BIGINT])
def test_an_id_past_its_column_is_refused_on_every_route(
    app: FastAPI, client: TestClient, db: Session, too_big: int
) -> None:
    world = build_world(db)
    strings = {"uscc": world.ids["firm_1"], "event_id": world.ids["event_a"], "name": "m"}
    routes = list(_path_routes(app.openapi()))
    assert len(routes) >= 32
    for method, path, parameters in routes:
        url = path
        for parameter in parameters:
            is_int = parameter["schema"].get("type") == "integer"
            value = too_big if is_int else strings.get(parameter["name"], "x")
            url = url.replace("{" + parameter["name"] + "}", str(value))
        for caller in ("anonymous", "admin", "bank_a_user", "bank_a_key", "firm_1"):
            response = client.request(method, url, headers=world.api_headers(caller), json={})
            assert response.status_code < 500, f"{caller} {method} {url}: {response.text}"


def test_the_public_product_page_refuses_an_id_past_2_63(client: TestClient) -> None:
    response = client.get(f"/api/v1/products/{PAST_BIGINT}")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["request_id"] == response.headers["X-Request-ID"]


def test_a_user_with_an_empty_uscc_is_refused_clearly(client: TestClient, db: Session) -> None:
    admin = make_user(db, Role.ADMIN)
    body = {
        "username": "office-empty-uscc",
        "display_name": "办公室",
        "password": "long-enough-pw",
        "role": "office",
        "uscc": "",
    }
    response = client.post("/api/v1/users", json=body, headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "uscc"]


def test_an_api_key_expiry_without_a_time_zone_is_refused(client: TestClient, db: Session) -> None:
    admin = make_user(db, Role.ADMIN)
    bank = make_lender(db)
    url = f"/api/v1/lenders/{bank.id}/api-keys"
    body = {"name": "core banking", "expires_at": "2030-01-01T00:00:00"}
    response = client.post(url, json=body, headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "expires_at"]
    body["expires_at"] = "2030-01-01T00:00:00+08:00"
    assert client.post(url, json=body, headers=bearer(admin)).status_code == 201


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def kept_logs(app: FastAPI) -> Iterator[list[logging.LogRecord]]:
    handler = _Kept()
    logging.getLogger().addHandler(handler)  # after create_app configured the root logger
    yield handler.records
    logging.getLogger().removeHandler(handler)


def test_a_server_error_carries_its_request_id_in_the_answer_and_every_log_line(
    app: FastAPI, kept_logs: list[logging.LogRecord]
) -> None:
    def fails() -> None:
        logging.getLogger("httpx").info("HTTP Request: GET https://bank.example/ 200")
        raise RuntimeError("boom")

    app.add_api_route("/api/v1/boom", fails)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom", headers={"X-Request-ID": "req-boom-1"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-boom-1"
    assert response.json()["request_id"] == "req-boom-1"
    assert response.json()["code"] == "internal_error"
    # The test client's own httpx line ("… http://testserver/boom") is the caller's, not ours.
    ours = [record for record in kept_logs if "testserver" not in record.getMessage()]
    lines = {record.name: record for record in ours}
    assert {"httpx", "app.api.problems", "xyd.access"} <= set(lines)
    assert all(getattr(record, "request_id", None) == "req-boom-1" for record in ours), [
        (record.name, getattr(record, "request_id", None)) for record in ours
    ]
    assert lines["xyd.access"].__dict__["status"] == 500
