"""A bank cannot use an enterprise route to learn whether a USCC is in the registry (§9).

Every route under /api/v1/enterprises/{uscc} is tried by a bank's user and by its API key,
once with a registered firm that has not authorized the bank and once with a valid code that
is not registered: status, code and body must be the same, but for the code and request id.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from tests.factories import (
    bearer,
    make_api_key,
    make_application,
    make_authorization,
    make_enterprise,
    make_lender,
    make_user,
    valid_uscc,
)
from tests.whitelist_fixtures import score


def enterprise_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every API route scoped to one enterprise, as (method, path template)."""
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if "{uscc}" in path
        for method in operations
    )


def answer(client: TestClient, method: str, template: str, uscc: str, headers: Any) -> Any:
    url = template.replace("{uscc}", uscc).replace("{authorization_id}", "1")
    response = client.request(method, url, headers=headers, json={})
    body = response.json()
    body.pop("request_id", None)
    shape = {key: str(value).replace(uscc, "<uscc>") for key, value in body.items()}
    return response.status_code, shape


def test_a_bank_gets_the_same_answer_for_a_registered_and_an_unknown_enterprise(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    registered = make_enterprise(db)
    score(db, registered.uscc, "B", model="m-any")
    make_application(db, registered)
    other_bank, bank = make_lender(db), make_lender(db)
    make_authorization(db, registered.uscc, lender_codes=[other_bank.code])  # not this bank
    banker = bearer(make_user(db, Role.LENDER_USER, lender_id=bank.id))
    _key, secret = make_api_key(db, bank)
    db.commit()
    unknown = valid_uscc()
    routes = enterprise_routes(app)
    assert ("GET", "/api/v1/enterprises/{uscc}/score") in routes

    for headers in (banker, {"X-API-Key": secret}):
        for method, template in routes:
            known = answer(client, method, template, registered.uscc, headers)
            unregistered = answer(client, method, template, unknown, headers)
            assert known == unregistered, (method, template)
            assert known[0] in (401, 403), (method, template, known)


@pytest.mark.parametrize("path", ["/api/v1/enterprises/{uscc}", "/api/v1/enterprises/{uscc}/score"])
def test_a_bank_with_consent_still_reads_the_enterprise(
    client: TestClient, db: Session, path: str
) -> None:
    firm = make_enterprise(db)
    score(db, firm.uscc, "B", model="m-any")
    make_application(db, firm)
    bank = make_lender(db)
    make_authorization(db, firm.uscc, lender_codes=[bank.code])
    banker = bearer(make_user(db, Role.LENDER_USER, lender_id=bank.id))
    db.commit()

    response = client.get(path.format(uscc=firm.uscc), headers=banker)

    assert response.status_code == 200, response.text
