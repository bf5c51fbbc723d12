"""Changing one's own password, on the page and through the API."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.core import security
from tests.factories import PASSWORD, make_user
from tests.pages.helpers import form_token, sign_in

NEW = "river-lantern-orchard-42"


def change(
    client: TestClient, current: str, new: str, confirm: str | None = None
) -> httpx.Response:
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "csrf_token": form_token(client, "/account/password"),
        },
    )


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.OFFICE, Role.LENDER_USER])
def test_every_person_can_change_its_password_and_sign_in_with_it(
    role: Role, client: TestClient, db: Session
) -> None:
    from tests.factories import make_enterprise, make_lender

    bound = (
        {"uscc": make_enterprise(db).uscc}
        if role is Role.ENTERPRISE
        else {"lender_id": make_lender(db).id}
        if role is Role.LENDER_USER
        else {}
    )
    user = make_user(db, role, **bound)
    sign_in(client, user)
    answer = change(client, PASSWORD, NEW)
    assert answer.status_code == 200 and "密码已修改" in answer.text
    db.refresh(user)
    assert security.verify_password(NEW, user.password_hash)
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "user.password_change")).all()
    assert [event.subject_id for event in audited] == [str(user.id)]


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-current-password", NEW, None, "当前密码不正确"),
        (PASSWORD, "short", None, "至少需要 10 个字符"),
        (PASSWORD, "password123", None, "过于常见"),
        (PASSWORD, "1234567890", None, "重复或连续"),
        (PASSWORD, PASSWORD, None, "不能与当前密码相同"),
        (PASSWORD, NEW, "something-else-entirely", "两次输入的新密码不一致"),
    ],
)
def test_a_refused_change_says_why_in_chinese_and_keeps_the_old_password(
    current: str, new: str, confirm: str | None, message: str, client: TestClient, db: Session
) -> None:
    user = make_user(db, Role.OFFICE)
    sign_in(client, user)
    answer = change(client, current, new, confirm)
    assert answer.status_code == 422 and message in answer.text
    db.refresh(user)
    assert security.verify_password(PASSWORD, user.password_hash)


def test_guessing_the_current_password_is_throttled_like_sign_in(
    client: TestClient, db: Session
) -> None:
    user: User = make_user(db, Role.OFFICE)
    sign_in(client, user)
    statuses = [change(client, f"guess-number-{n}", NEW).status_code for n in range(6)]
    assert statuses[:5] == [422] * 5 and statuses[5] == 429


def test_the_api_changes_the_password_too(client: TestClient, db: Session) -> None:
    from app.accounts import service as account_service

    user = make_user(db, Role.OFFICE)
    bearer = {"Authorization": f"Bearer {account_service.issue_token(user)}"}
    wrong = client.post(
        "/api/v1/me/password",
        json={"current_password": "nope", "new_password": NEW},
        headers=bearer,
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "wrong_password"
    done = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=bearer,
    )
    assert done.status_code == 204
    db.refresh(user)
    assert security.verify_password(NEW, user.password_hash)


def test_an_api_key_has_no_password_to_change(client: TestClient, db: Session) -> None:
    from tests.factories import make_api_key, make_lender

    _key, raw = make_api_key(db, make_lender(db))
    answer = client.post(
        "/api/v1/me/password",
        json={"current_password": "x", "new_password": NEW},
        headers={"X-API-Key": raw},
    )
    assert answer.status_code == 403


def test_a_change_signs_out_the_other_sessions_and_keeps_this_one(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    user = make_user(db, Role.OFFICE)
    sign_in(client, user)
    with TestClient(app, raise_server_exceptions=False) as other_browser:
        sign_in(other_browser, user)
        assert other_browser.get("/account/password").status_code == 200
        assert change(client, PASSWORD, NEW).status_code == 200
        signed_out = other_browser.get("/account/password", follow_redirects=False)
        assert signed_out.status_code == 303
        assert signed_out.headers["location"].startswith("/login?")
    assert client.get("/account/password").status_code == 200  # the changing session stays
    assert "修改密码" in client.get("/account/password").text


def test_a_refused_change_signs_nobody_out(app: FastAPI, client: TestClient, db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    sign_in(client, user)
    with TestClient(app, raise_server_exceptions=False) as other_browser:
        sign_in(other_browser, user)
        assert change(client, "wrong-current-password", NEW).status_code == 422
        assert other_browser.get("/account/password").status_code == 200


def test_an_api_change_signs_out_the_other_tokens_and_keeps_the_callers(
    client: TestClient, db: Session
) -> None:
    from app.accounts import service as account_service

    user = make_user(db, Role.OFFICE)
    caller = {"Authorization": f"Bearer {account_service.issue_token(user)}"}
    other = {"Authorization": f"Bearer {account_service.issue_token(user)}"}
    done = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=caller,
    )
    assert done.status_code == 204
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert client.get("/api/v1/me", headers=caller).status_code == 200
    signed_in_again = {"Authorization": f"Bearer {account_service.issue_token(user)}"}
    assert client.get("/api/v1/me", headers=signed_in_again).status_code == 200
