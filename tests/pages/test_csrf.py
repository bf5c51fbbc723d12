"""Every page form needs the token of the browser's own CSRF cookie; a forged post changes
nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.applications.models import FinancingApplication
from app.pages import csrf
from tests.factories import PASSWORD, make_enterprise, make_user
from tests.pages.helpers import form_token, sign_in

APPLICATION = {
    "amount_yuan": "200000",
    "term_months": "12",
    "purpose": "采购原材料",
    "product_type": "credit",
}


def applications_of(db: Session, uscc: str) -> int:
    return len(db.exec(select(FinancingApplication).where(FinancingApplication.uscc == uscc)).all())


@pytest.mark.parametrize(
    "token",
    [None, "", "0" * 64, csrf.token_of("another-browsers-cookie"), "x" * 5000],
    ids=["missing", "blank", "zeros", "other-browser", "huge"],
)
def test_a_form_post_without_this_browsers_token_is_refused_and_changes_nothing(
    token: str | None, client: TestClient, db: Session
) -> None:
    firm = make_enterprise(db)
    sign_in(client, make_user(db, Role.ENTERPRISE, uscc=firm.uscc))
    form_token(client, "/me/applications/new")  # the browser has its CSRF cookie
    data = dict(APPLICATION) | ({} if token is None else {"csrf_token": token})
    answer = client.post("/me/applications", data=data, follow_redirects=False)
    assert answer.status_code == 403 and "表单已过期或来源不明" in answer.text
    assert applications_of(db, firm.uscc) == 0


def test_the_same_post_with_the_token_goes_through(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db)
    sign_in(client, make_user(db, Role.ENTERPRISE, uscc=firm.uscc))
    token = form_token(client, "/me/applications/new")
    answer = client.post(
        "/me/applications", data=APPLICATION | {"csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303 and applications_of(db, firm.uscc) == 1


def test_sign_in_needs_the_token_too(client: TestClient, db: Session) -> None:
    make_user(db, Role.OFFICE, username="office-csrf")
    forged = client.post(
        "/login", data={"username": "office-csrf", "password": PASSWORD}, follow_redirects=False
    )
    assert forged.status_code == 403 and "xyd_session" not in forged.headers.get("set-cookie", "")


def test_the_csrf_cookie_is_http_only_and_lax(client: TestClient) -> None:
    cookie = client.get("/login").headers["set-cookie"]
    assert cookie.startswith(f"{csrf.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
