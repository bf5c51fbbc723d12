"""管理员's pages: accounts (list, create, disable, enable) and the audit log with filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from tests.factories import make_enterprise, make_user
from tests.pages.helpers import form_token, sign_in


@pytest.fixture
def admin(db: Session, client: TestClient) -> User:
    user = make_user(db, Role.ADMIN, display_name="管理员老李")
    sign_in(client, user)
    return user


def post(client: TestClient, path: str, data: dict[str, str], form: str):
    return client.post(
        path, data={**data, "csrf_token": form_token(client, form)}, follow_redirects=False
    )


def new_account(**overrides: str) -> dict[str, str]:
    return {
        "username": "office-zhang",
        "display_name": "金融办小张",
        "password": "a-long-enough-pass-2026",
        "role": "office",
        **overrides,
    }


def test_create_an_account_then_it_is_listed_and_audited(
    client: TestClient, db: Session, admin: User
) -> None:
    answer = post(client, "/admin/users", new_account(), "/admin/users/new")
    assert answer.status_code == 303, answer.text
    user = db.exec(select(User).where(User.username == "office-zhang")).one()
    assert user.role is Role.OFFICE and user.is_active
    assert answer.headers["location"] == f"/admin/users?created={user.id}"
    listing = client.get(answer.headers["location"]).text
    assert "账户已创建" in listing and "金融办小张" in listing and "金融办" in listing
    assert db.exec(select(AuditEvent).where(AuditEvent.subject_id == str(user.id))).first()


def test_an_enterprise_account_is_bound_to_its_code(
    client: TestClient, db: Session, admin: User
) -> None:
    firm = make_enterprise(db)
    db.commit()
    fields = new_account(username="firm-user", role="enterprise", uscc=firm.uscc)
    answer = post(client, "/admin/users", fields, "/admin/users/new")
    assert answer.status_code == 303
    assert db.exec(select(User).where(User.username == "firm-user")).one().uscc == firm.uscc


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"username": "AB"}, "格式不对"),
        ({"username": "../../etc"}, "格式不对"),
        ({"username": "<script>x</script>"}, "格式不对"),
        ({"password": "short"}, "密码"),
        ({"role": "superuser"}, "请从列表中选择"),
        ({"role": "lender_client"}, ""),
        ({"role": "enterprise"}, ""),  # without a code
        ({"display_name": "名" * 101}, "不能超过 100 个字符"),
        ({"lender_id": "-1"}, ""),
    ],
    ids=[
        "short",
        "path",
        "script",
        "weak-password",
        "role",
        "machine",
        "unbound",
        "long",
        "lender",
    ],
)
def test_hostile_account_forms_are_refused_and_create_nothing(
    client: TestClient, db: Session, admin: User, fields: dict[str, str], text: str
) -> None:
    before = len(db.exec(select(User)).all())
    answer = post(client, "/admin/users", new_account(**fields), "/admin/users/new")
    assert answer.status_code == 422, answer.text
    assert text in answer.text and "<script>x</script>" not in answer.text
    assert "a-long-enough-pass-2026" not in answer.text  # the password is never shown back
    assert len(db.exec(select(User)).all()) == before


def test_a_taken_username_is_refused_in_chinese(
    client: TestClient, db: Session, admin: User
) -> None:
    make_user(db, Role.OFFICE, username="office-zhang")
    db.commit()
    answer = post(client, "/admin/users", new_account(), "/admin/users/new")
    assert answer.status_code == 422 and "该用户名已被使用" in answer.text


def test_disable_and_enable_an_account(client: TestClient, db: Session, admin: User) -> None:
    other = make_user(db, Role.OFFICE)
    db.commit()
    answer = post(client, f"/admin/users/{other.id}/active", {"is_active": "false"}, "/admin/users")
    assert answer.status_code == 303
    db.expire_all()
    assert db.get_one(User, other.id).is_active is False
    assert "已停用" in client.get("/admin/users").text
    post(client, f"/admin/users/{other.id}/active", {"is_active": "true"}, "/admin/users")
    db.expire_all()
    assert db.get_one(User, other.id).is_active is True


@pytest.mark.parametrize("value", ["", "maybe", "<b>", "1; DROP TABLE users"])
def test_hostile_activation_values_change_nothing(
    client: TestClient, db: Session, admin: User, value: str
) -> None:
    other = make_user(db, Role.OFFICE)
    db.commit()
    answer = post(client, f"/admin/users/{other.id}/active", {"is_active": value}, "/admin/users")
    assert answer.status_code == 422
    db.expire_all()
    assert db.get_one(User, other.id).is_active is True


def test_an_admin_cannot_disable_itself_and_unknown_users_are_not_found(
    client: TestClient, db: Session, admin: User
) -> None:
    own = post(client, f"/admin/users/{admin.id}/active", {"is_active": "false"}, "/admin/users")
    assert own.status_code == 409 and "不能停用自己的账户" in own.text
    db.expire_all()
    assert db.get_one(User, admin.id).is_active is True
    missing = post(client, "/admin/users/987654/active", {"is_active": "false"}, "/admin/users")
    assert missing.status_code == 404 and "没有找到该用户" in missing.text


def audit(db: Session, *, actor: str, action: str, subject: str, at: datetime) -> None:
    detail = {"note": "<img src=x onerror=alert(1)>"}
    db.add(
        AuditEvent(
            actor=actor, actor_role="admin", action=action, subject_type="user",
            subject_id=subject, at=at, detail=detail,
        )
    )  # fmt: skip


def test_audit_log_filters_by_actor_action_subject_and_city_days(
    client: TestClient, db: Session, admin: User
) -> None:
    # 2026-11-30 23:30 in Shanghai is 15:30 UTC that day; 2026-12-01 00:30 there is 16:30 UTC
    audit(
        db,
        actor="user:901",
        action="user.update",
        subject="7",
        at=datetime(2026, 11, 30, 15, 30, tzinfo=UTC),
    )
    audit(
        db,
        actor="user:902",
        action="user.create",
        subject="8",
        at=datetime(2026, 11, 30, 16, 30, tzinfo=UTC),
    )
    later = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    audit(db, actor="user:901", action="lender.create", subject="9", at=later)
    db.commit()

    def subjects(**params: str) -> set[str]:
        page = client.get("/admin/audit", params=params)
        assert page.status_code == 200, page.text
        return {s for s in ("user 7", "user 8", "user 9") if s in page.text}

    assert subjects(actor="user:901") == {"user 7", "user 9"}
    assert subjects(action="user.") == {"user 7", "user 8"}  # a family of actions
    assert subjects(action="user.create") == {"user 8"}
    assert subjects(subject_type="user", subject_id="9") == {"user 9"}
    assert subjects(since="2026-12-01", until="2026-12-01") == {"user 8"}
    assert subjects(until="2026-11-30") == {"user 7"}
    page = client.get("/admin/audit", params={"actor": "user:901"}).text
    assert "<img src=x onerror=alert(1)>" not in page  # details are escaped


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-13-01"},
        {"since": "2026-12-05", "until": "2026-12-01"},
        {"actor": "x" * 65},
        {"action": "user.\x00"},
        {"subject_id": "1' OR '1'='1"},
        {"action": "%"},
    ],
    ids=["bad-date", "reversed", "long", "nul", "sql", "wildcard"],
)
def test_hostile_audit_filters_show_nothing_unasked(
    client: TestClient, db: Session, admin: User, params: dict[str, str]
) -> None:
    audit(
        db,
        actor="user:901",
        action="user.update",
        subject="7",
        at=datetime(2026, 11, 30, tzinfo=UTC),
    )
    db.commit()
    page = client.get("/admin/audit", params=params)
    assert page.status_code in (200, 422) and "user 7" not in page.text


def test_only_admins_use_these_pages(client: TestClient, db: Session) -> None:
    sign_in(client, make_user(db, Role.OFFICE))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_admin_navigation_links_every_admin_page(client: TestClient, admin: User) -> None:
    home = client.get("/enterprises").text
    for href in (
        "/admin/users",
        "/admin/audit",
        "/batches",
        "/uscc-reviews",
        "/whitelist/versions",
    ):
        assert f'href="{href}"' in home


def test_reset_a_password_shows_it_once_signs_the_user_out_and_audits_without_it(
    app: FastAPI, client: TestClient, db: Session, admin: User
) -> None:
    from app.core import security

    user = make_user(db, Role.OFFICE, display_name="金融办小王")
    with TestClient(app, raise_server_exceptions=False) as users_browser:
        sign_in(users_browser, user)
        assert users_browser.get("/account/password").status_code == 200
        listing = client.get("/admin/users").text
        assert f'action="/admin/users/{user.id}/password-reset"' in listing
        answer = post(client, f"/admin/users/{user.id}/password-reset", {}, "/admin/users")
        assert answer.status_code == 200 and "临时密码只显示这一次" in answer.text
        assert answer.headers["cache-control"] == "no-store"
        temporary = re.search(r'id="temporary-password">([^<]+)<', answer.text)
        assert temporary is not None
        db.refresh(user)
        assert security.verify_password(temporary.group(1), user.password_hash)
        signed_out = users_browser.get("/account/password", follow_redirects=False)
        assert signed_out.status_code == 303
    assert client.get("/admin/users").status_code == 200  # the admin's own session stays
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).one()
    assert event.subject_id == str(user.id) and event.actor == admin_ref(admin)
    assert temporary.group(1) not in str(event.detail)


def admin_ref(user: User) -> str:
    return f"user:{user.id}"


@pytest.mark.parametrize("target", ["0", "2147483648", "abc", "-1"])
def test_reset_of_a_bad_id_is_refused_in_chinese_and_changes_nothing(
    target: str, client: TestClient, db: Session, admin: User
) -> None:
    answer = post(client, f"/admin/users/{target}/password-reset", {}, "/admin/users")
    assert answer.status_code == 422 and "填写有误" in answer.text
    assert not db.exec(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).all()


def test_reset_of_ones_own_or_a_missing_account_is_refused(
    client: TestClient, db: Session, admin: User
) -> None:
    before = admin.password_hash
    own = post(client, f"/admin/users/{admin.id}/password-reset", {}, "/admin/users")
    assert own.status_code == 409 and "修改密码" in own.text
    missing = post(client, "/admin/users/999999/password-reset", {}, "/admin/users")
    assert missing.status_code == 404 and "没有找到该用户" in missing.text
    db.refresh(admin)
    assert admin.password_hash == before
    assert not db.exec(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).all()


def test_reset_without_the_form_token_is_refused(
    client: TestClient, db: Session, admin: User
) -> None:
    user = make_user(db, Role.OFFICE)
    before = user.password_hash
    answer = client.post(f"/admin/users/{user.id}/password-reset", follow_redirects=False)
    assert answer.status_code == 403
    db.refresh(user)
    assert user.password_hash == before
