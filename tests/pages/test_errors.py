"""Errors on page routes are Chinese pages; the API keeps its problem documents."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.api.deps import SESSION_COOKIE
from app.pages.viewer import safe_next
from tests.factories import PASSWORD, make_user
from tests.pages.helpers import form_token, sign_in


def test_an_unknown_page_is_a_chinese_404_page(client: TestClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "页面不存在" in page.text and "Not Found" not in page.text


def test_an_unknown_api_path_is_still_a_problem_document(client: TestClient) -> None:
    answer = client.get("/api/v1/no-such-route")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_page_for_another_role_is_a_chinese_403_page(client: TestClient, db: Session) -> None:
    sign_in(client, make_user(db, Role.OFFICE))
    page = client.get("/me")
    assert page.status_code == 403 and "没有权限" in page.text and "仅供企业用户" in page.text


def test_bad_query_on_a_page_is_a_chinese_422_page(client: TestClient, db: Session) -> None:
    sign_in(client, make_user(db, Role.OFFICE))
    page = client.get("/enterprises?offset=-5")
    assert page.status_code == 422 and "填写有误" in page.text
    assert "offset" not in page.text  # no raw validation detail for people


def test_an_unexpected_failure_is_a_chinese_500_page_with_the_request_id(app: FastAPI) -> None:
    @app.get("/boom-page")
    def boom() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom-page", headers={"X-Request-ID": "req-boom-1"})
    assert page.status_code == 500 and "系统出错了" in page.text
    assert "req-boom-1" in page.text and "kaboom" not in page.text


def test_an_expired_session_goes_to_login_with_a_message_and_comes_back(
    client: TestClient, db: Session
) -> None:
    make_user(db, Role.OFFICE, username="office-back")
    client.cookies.set(SESSION_COOKIE, "expired-or-forged-token")
    answer = client.get("/enterprises?district=330502", follow_redirects=False)
    assert answer.status_code == 303
    login_url = answer.headers["location"]
    assert login_url == "/login?next=/enterprises%3Fdistrict%3D330502&expired=1"
    assert client.get(login_url).text.count("登录已过期") == 1
    back = client.post(
        "/login",
        data={
            "username": "office-back",
            "password": PASSWORD,
            "next": "/enterprises?district=330502",
            "csrf_token": form_token(client, login_url),
        },
        follow_redirects=False,
    )
    assert back.status_code == 303 and back.headers["location"] == "/enterprises?district=330502"


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "/ok\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_a_return_address_off_this_site_is_ignored(
    hostile: str, client: TestClient, db: Session
) -> None:
    assert safe_next(hostile) is None
    make_user(db, Role.OFFICE, username="office-hostile")
    answer = client.post(
        "/login",
        data={
            "username": "office-hostile",
            "password": PASSWORD,
            "next": hostile,
            "csrf_token": form_token(client),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/enterprises"


def test_a_signed_in_person_lands_on_its_roles_home(client: TestClient, db: Session) -> None:
    sign_in(client, make_user(db, Role.OFFICE))
    assert client.get("/", follow_redirects=False).headers["location"] == "/enterprises"
