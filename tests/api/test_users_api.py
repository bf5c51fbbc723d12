"""User administration through the API: an administrator's password reset."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.passwords import password_problem
from app.audit.models import AuditEvent
from app.core import security
from tests.factories import PASSWORD, bearer, make_user


def test_a_reset_returns_a_temporary_password_once_and_signs_the_user_out(
    client: TestClient, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    admin, user = make_user(db, Role.ADMIN), make_user(db, Role.DATA_OPERATOR)
    users_session = bearer(user)
    assert client.get("/api/v1/me", headers=users_session).status_code == 200
    with caplog.at_level(logging.DEBUG):
        answer = client.post(f"/api/v1/users/{user.id}/password-reset", headers=bearer(admin))
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    temporary = body["temporary_password"]
    assert body["user_id"] == user.id
    assert password_problem(temporary, username=user.username) is None
    db.refresh(user)
    assert security.verify_password(temporary, user.password_hash)
    assert not security.verify_password(PASSWORD, user.password_hash)
    assert client.get("/api/v1/me", headers=users_session).status_code == 401
    assert temporary not in caplog.text
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).one()
    assert event.subject_id == str(user.id) and temporary not in str(event.detail)
    signed_in_again = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": temporary}
    )
    assert signed_in_again.status_code == 200


def test_two_resets_give_different_passwords(client: TestClient, db: Session) -> None:
    admin, user = make_user(db, Role.ADMIN), make_user(db, Role.OFFICE)
    first, second = (
        client.post(f"/api/v1/users/{user.id}/password-reset", headers=bearer(admin)).json()
        for _ in range(2)
    )
    assert first["temporary_password"] != second["temporary_password"]


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [
        ("0", 422, "validation_error"),
        ("2147483648", 422, "validation_error"),
        ("1e3", 422, "validation_error"),
        ("999999", 404, "user_not_found"),
    ],
)
def test_a_reset_of_a_bad_or_missing_id_changes_nothing(
    target: str, status: int, code: str, client: TestClient, db: Session
) -> None:
    admin = make_user(db, Role.ADMIN)
    answer = client.post(f"/api/v1/users/{target}/password-reset", headers=bearer(admin))
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert not db.exec(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).all()


def test_an_admin_cannot_reset_its_own_password(client: TestClient, db: Session) -> None:
    admin = make_user(db, Role.ADMIN)
    before = admin.password_hash
    answer = client.post(f"/api/v1/users/{admin.id}/password-reset", headers=bearer(admin))
    assert (answer.status_code, answer.json()["code"]) == (409, "own_password_reset")
    db.refresh(admin)
    assert admin.password_hash == before


def test_the_temporary_password_meets_the_policy() -> None:
    for _ in range(50):
        candidate = account_service.temporary_password(username="someone")
        assert password_problem(candidate, username="someone") is None
