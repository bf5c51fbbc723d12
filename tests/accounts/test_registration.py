"""Enterprise self-registration: public registry data alone never gives a usable account."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts import verification
from app.accounts.models import Registration, RegistrationStatus, Role, User
from app.audit.models import AuditEvent
from app.core.config import RegistrationSettings, get_settings
from app.core.config import Settings as Settings_
from app.enterprises.models import Enterprise
from tests.factories import bearer, make_enterprise, make_user

PHONE = "13812345678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
Settings = Callable[..., None]


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Set XYD_* settings for this test only."""

    def apply(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"XYD_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield apply  # type: ignore[misc]
    monkeypatch.undo()
    get_settings.cache_clear()


def signup(enterprise: Enterprise, username: str, name: str = "李四") -> dict[str, str]:
    return {
        "uscc": enterprise.uscc,
        "legal_representative": name,
        "username": username,
        "display_name": "注册人",
        "password": "long-enough-password",
    }


def login(client: TestClient, username: str) -> int:
    return client.post(
        "/api/v1/auth/token", data={"username": username, "password": "long-enough-password"}
    ).status_code


def code_from(caplog: pytest.LogCaptureFixture) -> str:
    sms = [r.getMessage() for r in caplog.records if "development SMS" in r.getMessage()]
    assert sms, "the development backend writes the code to the log"
    assert PHONE not in sms[-1] and "138****5678" in sms[-1]
    return re.findall(r"验证码 (\d{6})", sms[-1])[-1]


def test_a_stranger_with_the_public_data_gets_no_usable_account(
    client: TestClient, db: Session, settings: Settings
) -> None:
    settings(registration_verifier="sms")
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    for username in ("stranger", "stranger-2"):  # the same firm, twice
        answer = client.post("/api/v1/auth/register-enterprise", json=signup(firm, username))
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["user"]["is_active"] is False and body["registration"]["method"] == "sms"
        assert body["phone_masked"] == "138****5678" and PHONE not in answer.text
        assert login(client, username) == 401
        user = db.exec(select(User).where(User.username == username)).one()
        # Even a token minted for the inactive account reads nothing.
        score = client.get(f"/api/v1/enterprises/{firm.uscc}/score", headers=bearer(user))
        assert score.status_code == 401


def test_the_development_code_activates_the_account_once(
    client: TestClient,
    db: Session,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings(registration_verifier="sms")
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    with caplog.at_level(logging.WARNING, logger="app.accounts.verification"):
        body = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "owner")).json()
    code = code_from(caplog)
    reg_id, token = body["registration"]["id"], body["registration_token"]
    stored = db.get(Registration, reg_id)
    assert stored is not None and stored.code_digest is not None and code not in stored.code_digest
    headers = {"X-Registration-Token": token}
    stolen = client.post(
        f"/api/v1/auth/registrations/{reg_id}/verify",
        json={"code": code},
        headers={"X-Registration-Token": "guessed"},
    )
    assert stolen.status_code == 404
    ok = client.post(
        f"/api/v1/auth/registrations/{reg_id}/verify", json={"code": code}, headers=headers
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["is_active"] is True and login(client, "owner") == 200
    again = client.post(
        f"/api/v1/auth/registrations/{reg_id}/verify", json={"code": code}, headers=headers
    )
    assert again.status_code == 409 and again.json()["code"] == "registration_closed"


def test_wrong_codes_are_limited_and_a_resent_code_replaces_the_old(
    client: TestClient,
    db: Session,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings(registration_verifier="sms")
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    with caplog.at_level(logging.WARNING, logger="app.accounts.verification"):
        body = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "owner")).json()
        first = code_from(caplog)
        reg_id = body["registration"]["id"]
        headers = {"X-Registration-Token": body["registration_token"]}
        resent = client.post(f"/api/v1/auth/registrations/{reg_id}/resend", headers=headers)
        assert resent.status_code == 200, resent.text
        second = code_from(caplog)
    url = f"/api/v1/auth/registrations/{reg_id}/verify"
    if first != second:
        old = client.post(url, json={"code": first}, headers=headers)
        assert old.status_code == 422 and old.json()["code"] == "wrong_code"
    wrong = "000000" if second != "000000" else "111111"
    answers = [client.post(url, json={"code": wrong}, headers=headers) for _ in range(6)]
    assert [a.status_code for a in answers[:4]] == [422] * 4
    assert all(a.json()["code"] in ("wrong_code", "registration_closed") for a in answers)
    late = client.post(url, json={"code": second}, headers=headers)
    assert late.status_code == 409 and late.json()["code"] == "registration_closed"
    db.expire_all()
    registration = db.get(Registration, reg_id)
    assert registration is not None and registration.status is RegistrationStatus.LOCKED
    assert login(client, "owner") == 401


def test_an_expired_code_does_not_work(
    client: TestClient,
    db: Session,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings(registration_verifier="sms")
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    with caplog.at_level(logging.WARNING, logger="app.accounts.verification"):
        body = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "owner")).json()
    code = code_from(caplog)
    registration = db.get(Registration, body["registration"]["id"])
    assert registration is not None and registration.code_expires_at is not None
    registration.code_expires_at -= timedelta(minutes=11)
    db.add(registration)
    db.commit()
    answer = client.post(
        f"/api/v1/auth/registrations/{registration.id}/verify",
        json={"code": code},
        headers={"X-Registration-Token": body["registration_token"]},
    )
    assert answer.status_code == 422 and answer.json()["code"] == "wrong_code"
    assert login(client, "owner") == 401


def test_manual_approval_of_an_uploaded_licence(
    client: TestClient, db: Session, settings: Settings
) -> None:
    settings(registration_verifier="manual", registration_licence_max_bytes=2048)
    firm = make_enterprise(db, legal_representative="李四")  # no phone: manual either way
    operator = make_user(db, Role.DATA_OPERATOR)
    body = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "owner")).json()
    reg_id = body["registration"]["id"]
    assert body["registration"]["method"] == "manual" and body["phone_masked"] is None
    decide = f"/api/v1/registrations/{reg_id}/decision"
    early = client.post(decide, json={"approve": True, "note": "核对"}, headers=bearer(operator))
    assert early.status_code == 422 and early.json()["code"] == "invalid_licence"
    upload = f"/api/v1/auth/registrations/{reg_id}/licence"
    headers = {"X-Registration-Token": body["registration_token"]}
    for content in (b"<html>not a licence</html>", PNG + b"\x00" * 4096):
        refused = client.post(upload, files={"file": ("l.png", content)}, headers=headers)
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_licence"
    ok = client.post(upload, files={"file": ("../../etc/x.png", PNG)}, headers=headers)
    assert ok.status_code == 200 and ok.json()["licence_type"] == "image/png"
    stored = db.get(Registration, reg_id)
    assert stored is not None and stored.licence_path is not None
    assert (get_settings().data_dir / stored.licence_path).read_bytes() == PNG
    listing = client.get("/api/v1/registrations?status=pending", headers=bearer(operator))
    assert [row["id"] for row in listing.json()["data"]] == [reg_id]
    licence = client.get(f"/api/v1/registrations/{reg_id}/licence", headers=bearer(operator))
    assert licence.status_code == 200 and licence.content == PNG
    assert login(client, "owner") == 401
    approved = client.post(
        decide, json={"approve": True, "note": "执照与登记一致"}, headers=bearer(operator)
    )
    assert approved.status_code == 200 and approved.json()["status"] == "verified"
    assert login(client, "owner") == 200
    other = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "other")).json()
    rejected = client.post(
        f"/api/v1/registrations/{other['registration']['id']}/decision",
        json={"approve": False, "note": "执照不符"},
        headers=bearer(operator),
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert login(client, "other") == 401


def test_the_cap_on_accounts_per_enterprise_holds(
    client: TestClient, db: Session, settings: Settings
) -> None:
    settings(registration_max_accounts=2)
    firm = make_enterprise(db, legal_representative="李四")
    make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    first = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "second"))
    assert first.status_code == 202
    over = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "third"))
    assert over.status_code == 409 and over.json()["code"] == "account_limit_reached"
    assert db.exec(select(User).where(User.username == "third")).first() is None
    # A registration nobody can finish stops counting: strangers cannot fill the cap for good.
    stale = db.get(Registration, first.json()["registration"]["id"])
    assert stale is not None
    stale.created_at -= timedelta(days=8)
    db.add(stale)
    db.commit()
    later = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "third"))
    assert later.status_code == 202, later.text


def test_the_enterprises_users_are_told(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db, legal_representative="李四")
    colleague = make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    assert client.get("/api/v1/me/notices", headers=bearer(colleague)).json()["count"] == 0
    client.post("/api/v1/auth/register-enterprise", json=signup(firm, "newcomer"))
    notices = client.get("/api/v1/me/notices", headers=bearer(colleague)).json()
    assert notices["count"] == 1 and "newcomer" in notices["data"][0]["message"]
    audit = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "registration.requested", AuditEvent.subject_id == firm.uscc
        )
    ).one()
    assert audit.detail["notified_users"] == 1


def test_a_wrong_name_and_an_unknown_code_look_the_same(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db, legal_representative="李四")
    unknown = make_enterprise(db, legal_representative="李四")
    wrong_name = client.post(
        "/api/v1/auth/register-enterprise", json=signup(firm, "guess-a1", "王五")
    )
    payload = signup(unknown, "guess-a2") | {"uscc": "91330502MA00000000"}
    unknown_code = client.post("/api/v1/auth/register-enterprise", json=payload)
    assert wrong_name.status_code == unknown_code.status_code == 403
    assert wrong_name.json()["detail"] == unknown_code.json()["detail"]
    assert wrong_name.json()["code"] == "registration_refused"


def test_registration_guesses_get_429(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db, legal_representative="李四")
    url = "/api/v1/auth/register-enterprise"
    guesses = [
        client.post(url, json=signup(firm, f"guess{n}", f"王{n}")).status_code for n in range(8)
    ]
    assert guesses[:5] == [403] * 5 and set(guesses[5:]) == {429}
    locked = client.post(url, json=signup(firm, "right-name"))  # even the right name now waits
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert locked.json()["code"] == "too_many_attempts" and "注册" in locked.json()["detail"]
    # Per address (10 an hour): five counted so far; the sixth other firm is refused.
    others = [make_enterprise(db, legal_representative="李四") for _ in range(6)]
    answers = [
        client.post(url, json=signup(firm, f"user{i}", "王五")).status_code
        for i, firm in enumerate(others)
    ]
    assert answers == [403] * 5 + [429]


def test_the_contact_phone_is_shown_only_masked(client: TestClient, db: Session) -> None:
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    office = make_user(db, Role.OFFICE)
    answer = client.get(f"/api/v1/enterprises/{firm.uscc}", headers=bearer(office))
    assert answer.status_code == 200 and answer.json()["contact_phone_masked"] == "138****5678"
    assert PHONE not in answer.text
    listing = client.get("/api/v1/enterprises", headers=bearer(office))
    assert PHONE not in listing.text


def test_the_log_sms_backend_is_refused_in_production(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    firm = make_enterprise(db, legal_representative="李四", contact_phone=PHONE)
    with pytest.raises(ValueError, match="XYD_SMS_BACKEND=log"):
        Settings_(env="production", registration=RegistrationSettings(verifier="sms"))
    # Settings made some other way still cannot send codes to the log outside development.
    monkeypatch.setattr(
        verification,
        "get_settings",
        lambda: Settings_(env="production").model_copy(
            update={"registration": RegistrationSettings(verifier="sms")}
        ),
    )
    answer = client.post("/api/v1/auth/register-enterprise", json=signup(firm, "owner"))
    assert answer.status_code == 503 and answer.json()["code"] == "registration_unavailable"
    assert db.exec(select(User).where(User.username == "owner")).first() is None
