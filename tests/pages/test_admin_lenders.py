"""管理员's 金融机构与密钥: register a lender, issue a key shown once, revoke it; every act audited,
every bad input refused in Chinese with nothing changed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts import service as account_service
from app.accounts.models import ApiKey, Role, User
from app.audit.models import AuditEvent
from lenders.institutions.models import Lender
from tests.factories import make_api_key, make_lender, make_user
from tests.pages.helpers import post_form, sign_in

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def admin(db: Session, client: TestClient) -> User:
    user = make_user(db, Role.ADMIN, display_name="管理员老李")
    sign_in(client, user)
    return user


def actions(db: Session, subject_type: str) -> list[str]:
    rows = db.exec(select(AuditEvent).where(AuditEvent.subject_type == subject_type)).all()
    return [row.action for row in rows]


def test_register_a_lender_then_it_is_listed_and_audited(
    client: TestClient, db: Session, admin: User
) -> None:
    answer = post_form(
        client, "/admin/lenders", {"code": "huzhou-bank", "name": "湖州银行"},
        form_page="/admin/lenders",
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    lender = db.exec(select(Lender).where(Lender.code == "huzhou-bank")).one()
    assert answer.headers["location"] == f"/admin/lenders/{lender.id}"
    assert "湖州银行" in client.get("/admin/lenders").text
    assert actions(db, "lender") == ["lender.create"]


def test_a_taken_code_is_refused_in_chinese(client: TestClient, db: Session, admin: User) -> None:
    make_lender(db, code="taken-bank")
    db.commit()
    answer = post_form(
        client, "/admin/lenders", {"code": "taken-bank", "name": "另一家银行"},
        form_page="/admin/lenders",
    )  # fmt: skip
    assert answer.status_code == 409 and "该机构代码已被使用" in answer.text
    assert "另一家银行" in answer.text  # what was typed comes back
    assert len(db.exec(select(Lender).where(Lender.code == "taken-bank")).all()) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "Huzhou Bank", "name": "湖州银行"}, "格式不对"),
        ({"code": FORMULA, "name": "湖州银行"}, "格式不对"),
        ({"code": "x" * 33, "name": "湖州银行"}, "不能超过 32 个字符"),
        ({"code": "b", "name": "湖州银行"}, "至少 2 个字符"),
        ({"code": "ok-bank", "name": "银" * 201}, "不能超过 200 个字符"),
        ({"code": "ok-bank", "name": ""}, "请填写此项"),
        ({"code": "ok-bank", "name": "银"}, "至少 2 个字符"),
    ],
)
def test_a_bad_lender_is_refused_and_registers_nothing(
    client: TestClient, db: Session, admin: User, fields: dict[str, str], message: str
) -> None:
    before = len(db.exec(select(Lender)).all())
    answer = post_form(client, "/admin/lenders", fields, form_page="/admin/lenders")
    assert answer.status_code == 422 and message in answer.text
    assert len(db.exec(select(Lender)).all()) == before
    assert actions(db, "lender") == []


def test_issue_a_key_shown_once_then_listed_by_prefix_and_revoked(
    client: TestClient, db: Session, admin: User
) -> None:
    lender = make_lender(db)
    db.commit()
    here = f"/admin/lenders/{lender.id}"
    answer = post_form(client, f"{here}/api-keys", {"name": FORMULA}, form_page=here)
    assert answer.status_code == 200 and "只显示这一次" in answer.text
    key = db.exec(select(ApiKey).where(ApiKey.lender_id == lender.id)).one()
    value = f"xyd_{key.prefix}_"
    assert value in answer.text  # the whole key, on this answer only
    again = client.get(here).text
    assert value not in again and key.prefix in again and "有效" in again
    assert "=cmd|&#39; /C calc&#39;!A0" in again  # the name is text, escaped, never markup
    assert account_service.principal_from_api_key(db, key=_key_in(answer.text)) is not None
    revoked = post_form(client, f"{here}/api-keys/{key.id}/revoke", {}, form_page=here)
    assert revoked.status_code == 303 and revoked.headers["location"] == here
    db.refresh(key)
    assert key.revoked_at is not None and "已吊销" in client.get(here).text
    assert actions(db, "api_key") == ["api_key.create", "api_key.revoke"]


def _key_in(text: str) -> str:
    start = text.index("<code>xyd_") + len("<code>")
    return text[start : text.index("</code>", start)]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "请填写此项"), ("   ", "请填写此项"), ("钥" * 101, "不能超过 100 个字符")],
)
def test_a_bad_key_name_is_refused_and_issues_nothing(
    client: TestClient, db: Session, admin: User, name: str, message: str
) -> None:
    lender = make_lender(db)
    db.commit()
    here = f"/admin/lenders/{lender.id}"
    answer = post_form(client, f"{here}/api-keys", {"name": name}, form_page=here)
    assert answer.status_code == 422 and "只显示这一次" not in answer.text
    assert message in answer.text
    assert db.exec(select(ApiKey).where(ApiKey.lender_id == lender.id)).all() == []


def test_another_lenders_key_is_not_revoked_through_this_lender(
    client: TestClient, db: Session, admin: User
) -> None:
    ours, theirs = make_lender(db), make_lender(db)
    key, _value = make_api_key(db, theirs)
    db.commit()
    here = f"/admin/lenders/{ours.id}"
    answer = post_form(client, f"{here}/api-keys/{key.id}/revoke", {}, form_page=here)
    assert answer.status_code == 404 and "没有找到该接口密钥" in answer.text
    db.refresh(key)
    assert key.revoked_at is None


@pytest.mark.parametrize(
    "path", ["/admin/lenders/abc", "/admin/lenders/-1", "/admin/lenders/" + "9" * 40,
             "/admin/lenders/999999", "/admin/lenders?offset=-1", "/admin/lenders?limit=0"],
)  # fmt: skip
def test_hostile_addresses_get_a_chinese_error_page(
    client: TestClient, admin: User, path: str
) -> None:
    page = client.get(path)
    assert page.status_code in (404, 422) and "text/html" in page.headers["content-type"]
    assert "页面不存在" in page.text or "填写有误" in page.text


def test_a_post_without_the_csrf_token_changes_nothing(
    client: TestClient, db: Session, admin: User
) -> None:
    answer = client.post(
        "/admin/lenders", data={"code": "no-token-bank", "name": "无令牌银行"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 403
    assert db.exec(select(Lender).where(Lender.code == "no-token-bank")).first() is None


def test_the_office_may_not_manage_lenders(client: TestClient, db: Session) -> None:
    sign_in(client, make_user(db, Role.OFFICE))
    db.commit()
    page = client.get("/admin/lenders")
    assert page.status_code == 403 and "只有管理员可以管理金融机构和接口密钥" in page.text
