"""Driving the pages as a browser does: the CSRF token from a form, the session cookie."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from app.accounts import service as account_service
from app.accounts.models import User
from app.api.deps import SESSION_COOKIE

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path`` (its cookie stays in the client)."""
    page = client.get(path)
    found = _TOKEN.search(page.text)
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


def sign_in(client: TestClient, user: User) -> None:
    """The client carries ``user``'s session cookie from now on."""
    client.cookies.set(SESSION_COOKIE, account_service.issue_token(user))


def post_form(
    client: TestClient, path: str, data: dict[str, str | list[str]], *, form_page: str
) -> httpx.Response:
    """Post ``data`` with the CSRF token of ``form_page``'s form, not following redirects."""
    return client.post(
        path, data={**data, "csrf_token": form_token(client, form_page)}, follow_redirects=False
    )
