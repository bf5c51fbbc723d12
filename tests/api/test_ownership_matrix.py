"""Tenancy and roles, route by route: who may call what, on whose objects.

Every route of the application must appear here (or among the routes open to everyone), so
a new route cannot ship without a decision about who may use it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.models import Role, User
from app.api.deps import SESSION_COOKIE
from app.audit.service import SystemActor
from app.enterprises import service as enterprise_service
from app.outbox import service as outbox
from app.outbox.models import DeliveryStatus
from lenders.delivery import webhooks
from lenders.products import service as product_service
from scoring.registry.models import ModelVersion
from scoring.scores.models import Score
from scoring.sources.models import BatchStatus, SourceBatch
from tests.factories import (
    application_fields,
    enterprise_data,
    make_api_key,
    make_application,
    make_authorization,
    make_enterprise,
    make_lead,
    make_lender,
    make_product,
    make_user,
    product_fields,
)
from tests.lenders.loans import helpers as loans

CALLERS = (
    "anonymous",
    "admin",
    "office",
    "operator",
    "bank_a_user",
    "bank_a_key",
    "bank_b_user",
    "bank_b_key",
    "firm_1",
    "firm_2",
)
_unique = itertools.count(1)


@dataclass
class World:
    """Two banks (A, B) each with a person and a system, two firms, and the staff roles."""

    ids: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def api_headers(self, caller: str) -> dict[str, str]:
        if caller in self.keys:
            return {"X-API-Key": self.keys[caller]}
        if caller in self.tokens:
            return {"Authorization": f"Bearer {self.tokens[caller]}"}
        return {}

    def page_headers(self, caller: str) -> dict[str, str]:
        # Pages are for people: they read the session cookie, not API keys.
        token = self.tokens.get(caller)
        return {"Cookie": f"{SESSION_COOKIE}={token}"} if token else {}


def build_world(db: Session) -> World:
    world = World()
    bank_a, bank_b = make_lender(db), make_lender(db)
    firm_1, firm_2 = make_enterprise(db), make_enterprise(db)
    users: dict[str, User] = {
        "admin": make_user(db, Role.ADMIN),
        "office": make_user(db, Role.OFFICE),
        "operator": make_user(db, Role.DATA_OPERATOR),
        "bank_a_user": make_user(db, Role.LENDER_USER, lender_id=bank_a.id),
        "bank_b_user": make_user(db, Role.LENDER_USER, lender_id=bank_b.id),
        "firm_1": make_user(db, Role.ENTERPRISE, uscc=firm_1.uscc),
        "firm_2": make_user(db, Role.ENTERPRISE, uscc=firm_2.uscc),
    }
    world.tokens = {name: account_service.issue_token(user) for name, user in users.items()}
    key_a, world.keys["bank_a_key"] = make_api_key(db, bank_a)
    _key_b, world.keys["bank_b_key"] = make_api_key(db, bank_b)
    held = enterprise_data()
    held = held.model_copy(update={"uscc": held.uscc[:-1] + ("0" if held.uscc[-1] != "0" else "1")})
    review = enterprise_service.register(db, data=held, actor=SystemActor("test")).review
    assert review is not None
    batch = SourceBatch(
        kind="tax_grade",
        file_name="tax_grade.csv",
        content_hash="0" * 64,
        file_format="utf-8",
        status=BatchStatus.LOADED,
        loaded_by="test",
    )
    model = ModelVersion(
        name="m-test-001",
        source="test",
        trained_by="test",
        artifact_path="/nonexistent",
        artifact_sha256="0" * 64,
        data_sha256="0" * 64,
    )
    score = Score(
        uscc=firm_1.uscc,
        as_of=date(2026, 11, 1),
        model_name="m-test-001",
        pd=0.02,
        points=560,
        grade="C",
        reasons=[],
    )
    db.add_all([batch, model, score])
    db.flush()
    application = make_application(db, firm_1)
    # firm 1 shares its data with bank A (named), not with bank B
    authorization = make_authorization(db, firm_1.uscc, lender_codes=[bank_a.code])
    product = make_product(db, bank_a)
    retired_product = make_product(db, bank_a)
    product_service.retire(db, product=retired_product, actor=SystemActor("test"), reason=None)
    offered = make_lead(db, application, product, bank_a)
    accepted = make_lead(db, make_application(db, firm_1), product, bank_a, accept=True)
    # bank A's approved lead, its loan to firm 1 and a defaulted loan of another firm
    approved = loans.approved_lead(db, lender=bank_a, enterprise=firm_1)
    loan = loans.make_loan(db, lender=bank_a, enterprise=firm_1)
    defaulted_loan = loans.make_defaulted_loan(db, lender=bank_a)
    assert bank_a.id is not None
    secret, _value = webhooks.create_secret(db, lender_id=bank_a.id, actor=SystemActor("test"))
    (event,) = outbox.publish(db, topic="lead.created", lender_codes=[bank_a.code], payload={})
    event.status = DeliveryStatus.DEAD  # a dead letter staff may redeliver
    db.add(event)
    world.ids = {
        "bank_a": bank_a.id,
        "secret_a": secret.id,
        "event_a": event.event_id,
        "bank_b": bank_b.id,
        "key_a": key_a.id,
        "firm_1": firm_1.uscc,
        "firm_1_user": users["firm_1"].id,
        "review": review.id,
        "probe": "0" * 32,
        "batch": batch.id,
        "model": model.name,
        "application": application.id,
        "authorization": authorization.id,
        "version": 1,  # no whitelist version exists in this world
        "product": product.id,
        "retired_product": retired_product.id,
        "lead": offered.id,
        "accepted_lead": accepted.id,
        "approved_lead": approved.lead.id,
        "loan": loan.id,
        "defaulted_loan": defaulted_loan.id,
    }
    db.commit()
    return world


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expect: dict[str, int]
    body: Callable[[], Any] | None = None
    page: bool = False
    files: Callable[[], Any] | None = None


def expect(default: int, anonymous: int = 401, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(CALLERS, default)
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


def new_enterprise() -> dict[str, Any]:
    return enterprise_data().model_dump(mode="json")


def new_user() -> dict[str, Any]:
    return {
        "username": f"new-user-{next(_unique)}",
        "display_name": "新用户",
        "password": "long-enough-pw",
        "role": "office",
    }


def tax_grade_file() -> dict[str, Any]:
    return {"file": ("tax_grade.csv", b"uscc,year,grade\n91330502MA2B3C4D5X,2025,B\n")}


def new_lender() -> dict[str, Any]:
    return {"code": f"new-bank-{next(_unique)}", "name": "新银行"}


STAFF_ONLY = {"admin": 200}
LENDER_VIEW = dict(
    admin=200, office=200, bank_a_user=200, bank_a_key=200, bank_b_user=404, bank_b_key=404
)
KEY_ADMIN = dict(admin=200, bank_a_user=200, bank_b_user=404)
REGISTRY = dict(admin=200, office=200, operator=200)
# firm 1's data: itself, registry staff, and bank A under firm 1's authorization
FIRM_1_DATA = dict(firm_1=200, firm_2=404, bank_a_user=200, bank_a_key=200, **REGISTRY)
OWN = dict(firm_1=200, firm_2=404)
# bank A's product: its people and systems manage it; bank B is told it does not exist
BANK_A_PRODUCT = dict(bank_a_user=200, bank_a_key=200, bank_b_user=404, bank_b_key=404)
ANY_BANK = dict(bank_a_user=201, bank_a_key=201, bank_b_user=201, bank_b_key=201)
# bank A's lead and loans: only its people and systems report on them; bank B gets 404
BANK_A_REPORTS = dict(bank_a_user=201, bank_a_key=201, bank_b_user=404, bank_b_key=404)

MATRIX: list[Case] = [
    Case("GET", "/api/v1/users", expect(403, admin=200)),
    Case("POST", "/api/v1/users", expect(403, admin=201), new_user),
    Case("GET", "/api/v1/users/{firm_1_user}", expect(403, admin=200)),
    Case(
        "PATCH",
        "/api/v1/users/{firm_1_user}",
        expect(403, admin=200),
        lambda: {"display_name": "改名"},
    ),
    Case("GET", "/api/v1/lenders", expect(403, admin=200, office=200)),
    Case("POST", "/api/v1/lenders", expect(403, admin=201), new_lender),
    Case("GET", "/api/v1/lenders/{bank_a}", expect(403, **LENDER_VIEW)),
    Case("GET", "/api/v1/lenders/{bank_a}/api-keys", expect(403, **KEY_ADMIN)),
    Case(
        "POST",
        "/api/v1/lenders/{bank_a}/api-keys",
        expect(403, admin=201, bank_a_user=201, bank_b_user=404),
        lambda: {"name": "k"},
    ),
    Case("DELETE", "/api/v1/lenders/{bank_a}/api-keys/{key_a}", expect(403, **KEY_ADMIN)),
    Case("GET", "/api/v1/enterprises", expect(403, **REGISTRY)),
    Case(
        "POST",
        "/api/v1/enterprises",
        expect(403, admin=201, office=201, operator=201),
        new_enterprise,
    ),
    Case("GET", "/api/v1/enterprises/{firm_1}", expect(403, **FIRM_1_DATA)),
    Case("GET", "/api/v1/uscc-reviews", expect(403, admin=200, operator=200)),
    Case("GET", "/api/v1/uscc-reviews/{review}", expect(403, admin=200, operator=200)),
    Case(
        "POST",
        "/api/v1/uscc-reviews/{review}/decision",
        expect(403, admin=200, operator=200),
        lambda: {"accept": False, "note": "核对"},
    ),
    Case("POST", "/api/v1/ops/probes", expect(403, admin=202), lambda: {}),
    Case("GET", "/api/v1/enterprises/{firm_1}/score", expect(403, **FIRM_1_DATA)),
    Case(
        "POST",
        "/api/v1/enterprises/{firm_1}/authorizations",
        expect(403, firm_1=201, firm_2=404),
        lambda: {"scope": "assessment"},
    ),
    Case(
        "GET",
        "/api/v1/enterprises/{firm_1}/authorizations",
        expect(403, admin=200, office=200, **OWN),
    ),
    Case(
        "POST",
        "/api/v1/enterprises/{firm_1}/authorizations/{authorization}/revoke",
        expect(403, **OWN),
        lambda: {"reason": "不再共享"},
    ),
    Case(
        "GET", "/api/v1/enterprises/{firm_1}/data-access", expect(403, admin=200, office=200, **OWN)
    ),
    Case(
        "GET", "/api/v1/enterprises/{firm_1}/whitelist", expect(403, admin=200, office=200, **OWN)
    ),
    Case("GET", "/api/v1/whitelist/policy", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/whitelist/policies", expect(403, admin=200, office=200)),
    Case(
        "POST",
        "/api/v1/whitelist/policies",
        expect(403, admin=201, office=201),
        lambda: {"demand_window_days": 60},
    ),
    # no champion in this world: the refresh is allowed but has nothing to judge with
    Case("POST", "/api/v1/whitelist/refresh", expect(403, admin=404, office=404)),
    Case("GET", "/api/v1/whitelist/versions", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/whitelist/versions/{version}", expect(403, admin=404, office=404)),
    Case("GET", "/api/v1/whitelist/versions/{version}/changes", expect(403, admin=404, office=404)),
    Case("GET", "/api/v1/whitelist/versions/{version}/export", expect(403, admin=404, office=404)),
    Case(
        "POST",
        "/api/v1/enterprises/{firm_1}/rescore",
        expect(403, firm_1=404, firm_2=404, admin=404, office=404, operator=404),
    ),
    Case("GET", "/api/v1/score-runs", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/models", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/models/{model}", expect(403, admin=200, office=200)),
    Case("POST", "/api/v1/models/{model}/promote", expect(403, admin=200)),
    Case("GET", "/api/v1/batches", expect(403, admin=200, operator=200)),
    Case("POST", "/api/v1/batches", expect(403, admin=201, operator=201), files=tax_grade_file),
    Case("GET", "/api/v1/batches/{batch}", expect(403, admin=200, operator=200)),
    Case("GET", "/api/v1/batches/{batch}/rejected", expect(403, admin=200, operator=200)),
    Case("GET", "/api/v1/ops/probes/{probe}", expect(403, admin=200)),
    Case("POST", "/api/v1/applications", expect(403, firm_1=201, firm_2=201), application_fields),
    Case("GET", "/api/v1/applications", expect(403, admin=200, office=200, firm_1=200, firm_2=200)),
    Case(
        "GET",
        "/api/v1/applications/{application}",
        expect(403, admin=200, office=200, firm_1=200, firm_2=404),
    ),
    Case(
        "POST",
        "/api/v1/applications/{application}/withdraw",
        expect(403, firm_1=200, firm_2=404),
        lambda: {"reason": "不再需要"},
    ),
    Case("POST", "/api/v1/lender/products", expect(403, **ANY_BANK), product_fields),
    Case(
        "GET",
        "/api/v1/lender/products",
        expect(403, admin=200, **dict.fromkeys(ANY_BANK, 200)),
    ),
    Case("GET", "/api/v1/lender/products/{product}", expect(403, admin=200, **BANK_A_PRODUCT)),
    Case(
        "PATCH",
        "/api/v1/lender/products/{product}",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"description": "新的介绍"},
    ),
    Case(
        "POST",
        "/api/v1/lender/products/{product}/retire",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"reason": "下架"},
    ),
    # the product supermarket is open to everyone; a retired product only to its bank and staff
    Case("GET", "/api/v1/products", expect(200, anonymous=200)),
    Case("GET", "/api/v1/products/{product}", expect(200, anonymous=200)),
    Case(
        "GET",
        "/api/v1/products/{retired_product}",
        expect(404, anonymous=404, admin=200, office=200, bank_a_user=200, bank_a_key=200),
    ),
    Case("GET", "/api/v1/lender/leads", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case("GET", "/api/v1/lender/leads/{lead}", expect(403, **BANK_A_PRODUCT)),
    Case("POST", "/api/v1/lender/leads/{lead}/accept", expect(403, **BANK_A_PRODUCT)),
    Case(
        "POST",
        "/api/v1/lender/leads/{lead}/decline",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"reason": "credit_risk"},
    ),
    Case(
        "POST",
        "/api/v1/lender/leads/{accepted_lead}/approval",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"amount_yuan": "400000.00", "rate_bp": 400, "term_months": 12},
    ),
    Case(
        "POST",
        "/api/v1/lender/leads/{accepted_lead}/rejection",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"note": "负债率过高"},
    ),
    Case("GET", "/api/v1/leads", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/leads/{lead}", expect(403, admin=200, office=200)),
    Case(
        "GET",
        "/api/v1/applications/{application}/leads",
        expect(403, admin=200, office=200, **OWN),
    ),
    Case(
        "GET",
        "/api/v1/applications/{application}/matches",
        expect(403, admin=200, office=200, **OWN),
    ),
    Case(
        "POST",
        "/api/v1/lender/leads/{approved_lead}/disbursement",
        expect(403, **BANK_A_REPORTS),
        loans.disbursement,
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{loan}/repayments",
        expect(403, **BANK_A_REPORTS),
        lambda: {
            "period": loans.days_ago(0).strftime("%Y-%m"),
            "paid_on": loans.days_ago(0).isoformat(),
            "principal_yuan": "1000.00",
            "interest_yuan": "100.00",
        },
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{loan}/delinquency",
        expect(403, **BANK_A_REPORTS),
        lambda: {"as_of": loans.days_ago(0).isoformat(), "days_past_due": 3},
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{loan}/default",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"defaulted_on": loans.days_ago(0).isoformat()},
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{defaulted_loan}/recoveries",
        expect(403, **BANK_A_REPORTS),
        lambda: {"recovered_on": loans.days_ago(0).isoformat(), "amount_yuan": "100.00"},
    ),
    Case("GET", "/api/v1/lender/loans", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case("GET", "/api/v1/lender/loans/{loan}", expect(403, **BANK_A_PRODUCT)),
    Case("GET", "/api/v1/loans", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/enterprises/{firm_1}/loans", expect(403, admin=200, office=200, **OWN)),
    # a bank's webhook and events feed: only the bank's own people and systems
    Case("GET", "/api/v1/lender/webhook", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case(
        "PUT",
        "/api/v1/lender/webhook",
        expect(403, **dict.fromkeys(ANY_BANK, 200)),
        lambda: {"url": "https://hooks.bank.example.com/xyd"},
    ),
    Case("POST", "/api/v1/lender/webhook/secrets", expect(403, **ANY_BANK)),
    Case(
        "DELETE",
        "/api/v1/lender/webhook/secrets/{secret_a}",
        expect(403, bank_a_user=200, bank_a_key=200, bank_b_user=404, bank_b_key=404),
    ),
    Case("GET", "/api/v1/lender/events", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    # deliveries and dead letters (死信): office and admin
    Case("GET", "/api/v1/deliveries", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/deliveries/{event_a}", expect(403, admin=200, office=200)),
    Case("POST", "/api/v1/deliveries/{event_a}/redeliver", expect(403, admin=200, office=200)),
    Case(
        "GET",
        "/enterprises/{firm_1}",
        expect(404, anonymous=303, bank_a_key=303, bank_b_key=303, firm_1=200, **REGISTRY),
        page=True,
    ),
]
# Routes anyone may call, or that act only on the caller itself.
OPEN_ROUTES = {
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/register-enterprise"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/enterprises/me"),
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/enterprises"),
}
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def application_routes(app: FastAPI) -> set[tuple[str, str]]:
    routes = set()
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or context.path in FRAMEWORK_ROUTES:
            continue
        for method in context.methods or ():
            routes.add((method, str(context.path)))
    return routes


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    covered = {(case.method, case.path.split("{")[0]) for case in MATRIX}
    for method, path in application_routes(app):
        if (method, path) in OPEN_ROUTES:
            assert "{" not in path, f"{method} {path} has an id and must be in the matrix"
            continue
        prefix = path.split("{")[0]
        assert (method, prefix) in covered, f"{method} {path} is not in the ownership matrix"


def test_matrix_routes_exist(app: FastAPI) -> None:
    routes = {(m, p.split("{")[0]) for m, p in application_routes(app)}
    for case in MATRIX:
        assert (case.method, case.path.split("{")[0]) in routes, f"{case.method} {case.path}"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method} {c.path}")
def test_route_permissions(case: Case, caller: str, client: TestClient, db: Session) -> None:
    world = build_world(db)  # a fresh world per caller: one caller's change cannot leak
    headers = world.page_headers(caller) if case.page else world.api_headers(caller)
    response = client.request(
        case.method,
        case.path.format(**world.ids),
        headers=headers,
        json=case.body() if case.body else None,
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
