"""企业注册 through the pages: SMS code or business licence; only the browser that began a
registration can continue it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Registration, User
from app.core.config import get_settings
from app.enterprises.models import Enterprise
from tests.factories import make_enterprise
from tests.pages.helpers import form_token

PHONE = "13812345678"
PASSWORD = "long-enough-password"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def sms(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("XYD_REGISTRATION_VERIFIER", "sms")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def signup(client: TestClient, firm: Enterprise, **overrides: str) -> httpx.Response:
    data = {
        "uscc": firm.uscc,
        "legal_representative": "李四",
        "username": "hengxing-owner",
        "display_name": "恒兴财务",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
        "csrf_token": form_token(client, "/register"),
    } | overrides
    return client.post("/register", data=data, follow_redirects=False)


def code_from(caplog: pytest.LogCaptureFixture) -> str:
    sms = [r.getMessage() for r in caplog.records if "development SMS" in r.getMessage()]
    assert sms, "the development backend writes the code to the log"
    return re.findall(r"验证码 (\d{6})", sms[-1])[-1]


def user_named(db: Session, username: str) -> User | None:
    return db.exec(select(User).where(User.username == username)).first()


def test_register_with_the_sms_code_then_sign_in(
    client: TestClient, db: Session, sms: None, caplog: pytest.LogCaptureFixture
) -> None:
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    with caplog.at_level(logging.WARNING, logger="app.accounts.verification"):
        started = signup(client, firm)
    assert started.status_code == 303
    assert started.headers["location"] == "/register/verify"
    cookie = started.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/register" in cookie and "SameSite=strict" in cookie
    user = user_named(db, "hengxing-owner")
    assert user is not None and not user.is_active
    wrong = client.post(
        "/register/verify",
        data={"code": "000000", "csrf_token": form_token(client, "/register/verify")},
    )
    assert wrong.status_code == 422 and "验证码错误" in wrong.text
    done = client.post(
        "/register/verify",
        data={"code": code_from(caplog), "csrf_token": form_token(client, "/register/verify")},
    )
    assert done.status_code == 200 and "账号已开通" in done.text
    db.refresh(user)
    assert user.is_active
    signed_in = client.post(
        "/login",
        data={"username": "hengxing-owner", "password": PASSWORD, "csrf_token": form_token(client)},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/me"


def test_without_a_phone_the_licence_goes_to_review(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db, legal_representative="李四", contact_phone=None)
    started = signup(client, firm)
    assert started.headers["location"] == "/register/licence"
    refused = client.post(
        "/register/licence",
        data={"csrf_token": form_token(client, "/register/licence")},
        files={"file": ("licence.exe", b"MZ\x90\x00not-a-licence", "application/octet-stream")},
    )
    assert refused.status_code == 422
    uploaded = client.post(
        "/register/licence",
        data={"csrf_token": form_token(client, "/register/licence")},
        files={"file": ("licence.png", PNG, "image/png")},
    )
    assert uploaded.status_code == 200 and "已提交审核" in uploaded.text
    registration = db.exec(select(Registration).where(Registration.uscc == firm.uscc)).one()
    assert registration.licence_path is not None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"legal_representative": "王五"}, ""),  # wrong public data: refused, no account
        ({"uscc": "91330502MA2B3C4D5X"}, ""),
        ({"uscc": "<script>x</script>"}, "18"),
        ({"username": "Robert'); DROP TABLE users;--"}, "格式不对"),
        ({"password": "password123", "confirm_password": "password123"}, "过于常见"),
        ({"confirm_password": "something-else-here"}, "两次输入的密码不一致"),
    ],
)
def test_a_refused_registration_says_why_and_creates_no_account(
    client: TestClient, db: Session, overrides: dict[str, str], message: str
) -> None:
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    answer = signup(client, firm, **overrides)
    assert answer.status_code in (403, 404, 422)
    assert message in answer.text
    assert "<script>x" not in answer.text
    assert user_named(db, "hengxing-owner") is None


def test_another_browser_cannot_continue_my_registration(
    client: TestClient, db: Session, sms: None
) -> None:
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    signup(client, firm)
    registration = db.exec(select(Registration).where(Registration.uscc == firm.uscc)).one()
    client.cookies.set("xyd_registration", f"{registration.id}.guessed-secret", path="/register")
    page = client.get("/register/verify")
    assert page.status_code == 404 and "没有找到该注册申请" in page.text
