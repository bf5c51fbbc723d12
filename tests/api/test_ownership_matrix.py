"""Tenancy and roles, route by route: who may call what, on whose objects.

Every route of the application must appear here (or among the routes open to everyone), so
a new route cannot ship without a decision about who may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import create_app
from app.pages import csrf
from tests.api.ownership_bank_cases import BANK_CASES
from tests.api.ownership_bank_page_cases import BANK_PAGE_CASES
from tests.api.ownership_fund_cases import FUND_CASES
from tests.api.ownership_monitoring_cases import MONITORING_CASES
from tests.api.ownership_ops_page_cases import OPS_PAGE_CASES
from tests.api.ownership_page_cases import PAGE_CASES
from tests.api.ownership_platform_cases import PLATFORM_CASES
from tests.api.ownership_world import CALLERS, Case, build_world
from tests.http_fixtures import bind_to

MATRIX: list[Case] = (
    PLATFORM_CASES
    + BANK_CASES
    + PAGE_CASES
    + OPS_PAGE_CASES
    + BANK_PAGE_CASES
    + FUND_CASES
    + MONITORING_CASES
)
# Routes anyone may call, or that act only on the caller itself.
OPEN_ROUTES = {
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/register-enterprise"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/me/notices"),
    ("GET", "/api/v1/enterprises/me"),
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/enterprises"),
    ("POST", "/api/v1/me/password"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    # Self-registration: the registrant's own registration, named by its HttpOnly cookie.
    ("GET", "/register"),
    ("POST", "/register"),
    ("GET", "/register/verify"),
    ("POST", "/register/verify"),
    ("POST", "/register/resend"),
    ("GET", "/register/licence"),
    ("POST", "/register/licence"),
}
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


@pytest.fixture(scope="module")
def shared_app() -> FastAPI:
    """One application for the module's thousands of requests. Building one and serving its
    first request (FastAPI sets up every route then) took 0.2 s, as long as a case itself; the
    application keeps no state of its own between requests, so sharing it changes no answer."""
    return create_app()


@pytest.fixture
def app(
    shared_app: FastAPI, db: Session, sent_tasks: list[tuple[str, dict[str, object]]]
) -> Iterator[FastAPI]:
    """The shared application, serving this test's own rolled-back session."""
    yield bind_to(shared_app, db)
    shared_app.dependency_overrides.clear()


def application_routes(app: FastAPI) -> set[tuple[str, str]]:
    routes = set()
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or context.path in FRAMEWORK_ROUTES:
            continue
        for method in context.methods or ():
            routes.add((method, str(context.path)))
    return routes


def template(path: str) -> str:
    """A path with every ``{parameter}`` made alike, so a case's path (named after the world's
    objects) compares with its route's template segment by segment, to the end; a case's
    query string is the request's, not the route's."""
    return re.sub(r"\{[^}]*\}", "{}", path.partition("?")[0])


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    covered = {(case.method, template(case.path)) for case in MATRIX}
    for method, path in application_routes(app):
        if (method, path) in OPEN_ROUTES:
            assert "{" not in path, f"{method} {path} has an id and must be in the matrix"
            continue
        assert (method, template(path)) in covered, f"{method} {path} is not in the matrix"


def test_matrix_routes_exist(app: FastAPI) -> None:
    routes = {(method, template(path)) for method, path in application_routes(app)}
    for case in MATRIX:
        assert (case.method, template(case.path)) in routes, f"{case.method} {case.path}"
    for method, path in OPEN_ROUTES:
        assert (method, path) in routes, f"open route {method} {path} does not exist"


def test_a_sibling_route_is_not_covered_by_its_neighbours_cases() -> None:
    # the old prefix comparison took every route under /enterprises/{uscc} as covered
    covered = {("GET", template(case.path)) for case in MATRIX if case.method == "GET"}
    assert ("GET", template("/api/v1/enterprises/{uscc}/score")) in covered
    assert ("GET", template("/api/v1/enterprises/{uscc}/anything")) not in covered


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method} {c.path}")
def test_route_permissions(case: Case, caller: str, client: TestClient, db: Session) -> None:
    world = build_world(db)  # a fresh world per caller: one caller's change cannot leak
    headers = world.page_headers(caller) if case.page else world.api_headers(caller)
    if case.page and case.method == "POST":  # a form, with the browser's CSRF token
        response = client.post(
            case.path.format(**world.ids),
            headers=headers,
            data={**(case.body() if case.body else {}), csrf.FIELD: world.csrf_token},
            files=case.files() if case.files else None,
            follow_redirects=False,
        )
    else:
        response = client.request(
            case.method,
            case.path.format(**world.ids),
            headers=headers,
            json=case.body_for(world.ids),
            files=case.files() if case.files else None,
            follow_redirects=False,
        )
    assert response.status_code == case.expect[caller], response.text
    if response.status_code >= 400 and not case.page:
        assert response.headers["content-type"] == "application/problem+json"


def test_bank_cannot_reach_another_banks_key_through_its_own_lender_path(
    client: TestClient, db: Session
) -> None:
    world = build_world(db)
    own_path = f"/api/v1/lenders/{world.ids['bank_b']}/api-keys/{world.ids['key_a']}"
    response = client.delete(own_path, headers=world.api_headers("bank_b_user"))
    assert response.status_code == 404 and response.json()["code"] == "api_key_not_found"
    still_works = client.get("/api/v1/me", headers=world.api_headers("bank_a_key"))
    assert still_works.status_code == 200


def test_a_bank_never_pulls_another_banks_events(client: TestClient, db: Session) -> None:
    world = build_world(db)
    own = client.get("/api/v1/lender/events", headers=world.api_headers("bank_a_key")).json()
    other = client.get("/api/v1/lender/events", headers=world.api_headers("bank_b_key")).json()
    assert world.ids["event_a"] in {event["id"] for event in own["data"]}
    assert world.ids["event_a"] not in {event["id"] for event in other["data"]}
