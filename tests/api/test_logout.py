"""Access tokens: exp and jti are required, and signing out revokes the token until it expires."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts import service as account_service
from app.accounts.models import RevokedToken, Role
from app.api.deps import SESSION_COOKIE
from app.core.clock import utcnow
from app.core.config import get_settings
from tests.factories import make_user
from tests.pages.helpers import form_token


def _signed(**claims: object) -> dict[str, str]:
    token = jwt.encode(claims, get_settings().security.secret_key, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def test_a_token_without_exp_is_refused(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.ADMIN)
    now = int(time.time())
    never_expires = _signed(sub=str(user.id), role="admin", iat=now, jti="a" * 32)
    assert client.get("/api/v1/me", headers=never_expires).status_code == 401
    complete = _signed(sub=str(user.id), role="admin", iat=now, jti="a" * 32, exp=now + 60)
    assert client.get("/api/v1/me", headers=complete).status_code == 200


def test_a_token_without_jti_is_refused(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.ADMIN)
    now = int(time.time())
    unrevocable = _signed(sub=str(user.id), iat=now, exp=now + 60)
    assert client.get("/api/v1/me", headers=unrevocable).status_code == 401


def test_logout_revokes_that_token_only(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    first = {"Authorization": f"Bearer {account_service.issue_token(user)}"}
    second = {"Authorization": f"Bearer {account_service.issue_token(user)}"}
    assert client.get("/api/v1/me", headers=first).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    refused = client.get("/api/v1/me", headers=first)
    assert (refused.status_code, refused.json()["code"]) == (401, "not_authenticated")
    assert client.get("/api/v1/me", headers=second).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 401


def test_page_logout_revokes_the_cookie(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    token = account_service.issue_token(user)
    client.cookies.set(SESSION_COOKIE, token)
    csrf_token = form_token(client, "/account/password")  # the 退出 button's form
    forged = client.post("/logout", follow_redirects=False)
    assert forged.status_code == 403  # another site cannot sign the person out
    answer = client.post("/logout", data={"csrf_token": csrf_token}, follow_redirects=False)
    assert answer.status_code == 303
    client.cookies.clear()
    stolen = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert stolen.status_code == 401


def test_the_api_logout_accepts_the_page_cookie(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    token = account_service.issue_token(user)
    client.cookies.set(SESSION_COOKIE, token)
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_expired_revocations_are_pruned_at_logout(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    assert user.id is not None
    db.add(RevokedToken(jti="old", user_id=user.id, expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    headers = {"Authorization": f"Bearer {account_service.issue_token(user)}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    left = db.exec(select(RevokedToken.jti).where(RevokedToken.user_id == user.id)).all()
    assert len(left) == 1 and left[0] != "old"
