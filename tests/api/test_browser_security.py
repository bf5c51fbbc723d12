"""Browsers: no cross-site writes with the session cookie, security headers, offline /docs."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.models import Role
from app.api.deps import SESSION_COOKIE
from app.core.db import reset_caches
from tests.factories import bearer, make_application, make_enterprise, make_user

EVIL = "https://evil.example"


def _withdraw(client: TestClient, db: Session, **headers: str) -> tuple[int, dict[str, object]]:
    firm = make_enterprise(db)
    user = make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    application = make_application(db, firm)
    client.cookies.set(SESSION_COOKIE, account_service.issue_token(user))
    response = client.post(
        f"/api/v1/applications/{application.id}/withdraw",
        content='{"reason": "x"}',
        headers={"Content-Type": "text/plain", **headers},
    )
    db.refresh(application)
    return response.status_code, {**response.json(), "now": application.status.value}


def test_a_cookie_write_from_another_origin_is_refused(client: TestClient, db: Session) -> None:
    status, body = _withdraw(client, db, Origin=EVIL)
    assert (status, body["code"], body["now"]) == (403, "cross_site_request", "submitted")
    assert "跨站" in str(body["detail"])


def test_a_referer_from_another_origin_is_refused_too(client: TestClient, db: Session) -> None:
    status, body = _withdraw(client, db, Referer=f"{EVIL}/attack.html")
    assert (status, body["code"]) == (403, "cross_site_request")


def test_an_opaque_origin_is_refused(client: TestClient, db: Session) -> None:
    status, body = _withdraw(client, db, Origin="null")
    assert (status, body["code"]) == (403, "cross_site_request")


def test_a_cookie_write_from_the_platforms_own_pages_passes(
    client: TestClient, db: Session
) -> None:
    status, body = _withdraw(
        client, db, Origin="http://testserver", **{"Content-Type": "application/json"}
    )
    assert body["now"] == "withdrawn", body
    assert status == 200


def test_bearer_callers_are_not_affected_by_origin(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db)
    user = make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    application = make_application(db, firm)
    response = client.post(
        f"/api/v1/applications/{application.id}/withdraw",
        json={"reason": "x"},
        headers={"Origin": EVIL, **bearer(user)},
    )
    assert response.status_code == 200, response.text


def test_the_page_logout_refuses_another_origin(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    client.cookies.set(SESSION_COOKIE, account_service.issue_token(user))
    response = client.post("/logout", headers={"Origin": EVIL}, follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/me", "/api/v1/nothing", "/docs"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # tests run as development


@pytest.fixture
def production_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from app.main import create_app

    monkeypatch.setenv("XYD_ENV", "production")
    monkeypatch.setenv("XYD_SECRET_KEY", "a-real-production-secret-of-enough-length-0123")
    reset_caches()
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client
    monkeypatch.undo()
    reset_caches()


def test_hsts_outside_development(production_client: TestClient) -> None:
    headers = production_client.get("/api/v1/nothing").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_docs_reference_no_other_host_and_their_files_are_served(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text  # screen readers read it as Chinese
    assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', page.text)
    assert len(assets) == 3
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 500, asset
    # The one inline start-up script is allowed by its hash, and nothing else inline is.
    script = re.search(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    policy = page.headers["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


def test_redoc_is_off(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
