"""Password policy (NIST SP 800-63B): length, common passwords, the username, patterns."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.passwords import common_passwords, password_problem
from app.accounts.schemas import UserCreate
from app.demo.story import DEMO_PASSWORD
from tests.factories import bearer, make_user


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "至少"),
        ("password123", "常见"),
        ("Qwertyuiop", "常见"),
        ("1q2w3e4r5t", "常见"),
        ("zhangwei-secret", "用户名"),
        ("ZHANGWEI2026!", "用户名"),
        ("aaaaaaaaaaaa", "重复"),
        ("abababababab", "重复"),
        ("xyzxyzxyzxyz", "重复"),
        ("abcdefghijkl", "连续"),
        ("zyxwvutsrqpo", "连续"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password: str, why: str) -> None:
    problem = password_problem(password, username="zhangwei")
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    "password", ["correct-horse-battery", "湖州小微企业贷款2026", "long-enough-pw", DEMO_PASSWORD]
)
def test_reasonable_passwords_pass(password: str) -> None:
    assert password_problem(password, username="zhangwei") is None


def test_the_shipped_list_is_loaded() -> None:
    assert len(common_passwords()) > 10_000 and "123456" in common_passwords()


def test_the_schema_applies_the_policy_with_the_username() -> None:
    with pytest.raises(ValidationError, match="密码不能包含用户名"):
        UserCreate(
            username="lisi", display_name="李四", password="lisi-is-me-2026", role=Role.OFFICE
        )


def test_the_api_refuses_a_common_password(client: TestClient, db: Session) -> None:
    admin = make_user(db, Role.ADMIN)
    response = client.post(
        "/api/v1/users",
        json={
            "username": "wangwu",
            "display_name": "王五",
            "password": "iloveyou12",
            "role": "office",
        },
        headers=bearer(admin),
    )
    assert response.status_code == 422
    assert "常见" in response.text
