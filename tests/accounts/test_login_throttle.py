"""Sign-in throttling: wrong passwords per user name and per address end in 429 and a lock."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.core import throttle
from app.core.throttle import Limit
from tests.factories import PASSWORD, make_user
from tests.pages.helpers import form_token

TOKEN = "/api/v1/auth/token"


def test_fifty_wrong_passwords_get_429_and_lock_the_user(client: TestClient, db: Session) -> None:
    make_user(db, Role.OFFICE, username="target")
    answers = [
        client.post(TOKEN, data={"username": "target", "password": f"wrong-{n}"}) for n in range(50)
    ]
    codes = [answer.status_code for answer in answers]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    locked = answers[-1]
    assert locked.json()["code"] == "too_many_attempts" and "锁定" in locked.json()["detail"]
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    # Locked means locked: the right password waits too.
    right = client.post(TOKEN, data={"username": "target", "password": PASSWORD})
    assert right.status_code == 429


def test_a_success_resets_the_users_failures(client: TestClient, db: Session) -> None:
    make_user(db, Role.OFFICE, username="forgetful")
    for _ in range(2):
        for n in range(4):
            wrong = client.post(TOKEN, data={"username": "forgetful", "password": f"x{n}"})
            assert wrong.status_code == 401
        right = client.post(TOKEN, data={"username": "forgetful", "password": PASSWORD})
        assert right.status_code == 200


def test_one_address_guessing_many_users_is_stopped(client: TestClient, db: Session) -> None:
    answers = [
        client.post(TOKEN, data={"username": f"ghost{n}", "password": "wrong"}).status_code
        for n in range(32)
    ]
    assert answers[:30] == [401] * 30 and answers[30:] == [429, 429]


def test_the_page_login_is_throttled_too(client: TestClient, db: Session) -> None:
    make_user(db, Role.OFFICE, username="page-user")
    token = form_token(client)
    codes = [
        client.post(
            "/login", data={"username": "page-user", "password": "wrong", "csrf_token": token}
        ).status_code
        for _ in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2
    page = client.post(
        "/login", data={"username": "page-user", "password": PASSWORD, "csrf_token": token}
    )
    assert page.status_code == 429 and "锁定" in page.text and page.headers["Retry-After"]


def test_the_limiter_slides_and_resets(db: Session) -> None:
    limit = Limit("test", 2, 60)
    throttle.hit(db, limit=limit, key="k")
    throttle.check(db, limit=limit, key="k")
    throttle.hit(db, limit=limit, key="K ")  # keys are compared trimmed and case-folded
    assert throttle.count(db, limit=limit, key="k") == 2
    assert throttle.retry_after(db, limit=limit, key="k") is not None
    assert throttle.retry_after(db, limit=limit, key="other") is None
    throttle.reset(db, limit=limit, key="k")
    assert throttle.count(db, limit=limit, key="k") == 0
