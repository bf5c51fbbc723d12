from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.api.deps import SESSION_COOKIE
from tests.factories import PASSWORD, make_enterprise, make_user
from tests.pages.helpers import form_token


def test_home_is_chinese_and_links_to_login(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.text
    assert "信易贷" in page.text and 'href="/login"' in page.text


def test_login_sets_a_session_cookie_and_shows_the_registry(
    client: TestClient, db: Session
) -> None:
    make_user(db, Role.OFFICE, username="office-page", display_name="市金融办")
    make_enterprise(db, name="湖州恒兴机械有限公司")
    response = client.post(
        "/login",
        data={"username": "office-page", "password": PASSWORD, "csrf_token": form_token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/enterprises"  # the office's home
    cookie = response.cookies.get(SESSION_COOKIE)
    assert cookie
    listing = client.get("/enterprises", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
    assert listing.status_code == 200
    assert "企业库" in listing.text and "湖州恒兴机械有限公司" in listing.text
    assert "共 1 户" in listing.text


def test_wrong_password_shows_a_chinese_error(client: TestClient, db: Session) -> None:
    make_user(db, Role.OFFICE, username="office-x")
    response = client.post(
        "/login",
        data={"username": "office-x", "password": "wrong", "csrf_token": form_token(client)},
    )
    assert response.status_code == 401 and "用户名或密码错误" in response.text


def test_enterprise_sees_its_own_page_masked(client: TestClient, db: Session) -> None:
    enterprise = make_enterprise(db, legal_representative="王小明")
    from app.accounts import service as account_service

    user = make_user(db, Role.ENTERPRISE, uscc=enterprise.uscc)
    cookie = {"Cookie": f"{SESSION_COOKIE}={account_service.issue_token(user)}"}
    page = client.get(f"/enterprises/{enterprise.uscc}", headers=cookie)
    assert page.status_code == 200 and "王**" in page.text and "王小明" not in page.text
    assert client.get("/enterprises", headers=cookie).status_code == 403


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    response = client.get("/enterprises?district=330502", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/enterprises%3Fdistrict%3D330502"


def test_enterprise_page_shows_grade_and_reasons(client: TestClient, db: Session) -> None:
    from datetime import date

    from app.accounts import service as account_service
    from scoring.scores.models import Score

    enterprise = make_enterprise(db)
    db.add(
        Score(
            uscc=enterprise.uscc,
            as_of=date(2026, 11, 1),
            model_name="m-1",
            pd=0.0321,
            points=598,
            grade="C",
            reasons=[{"text": "近12个月用电量同比下降 35%"}],
        )
    )
    user = make_user(db, Role.ENTERPRISE, uscc=enterprise.uscc)
    cookie = {"Cookie": f"{SESSION_COOKIE}={account_service.issue_token(user)}"}
    page = client.get(f"/enterprises/{enterprise.uscc}", headers=cookie).text
    assert "C（中等）" in page and "598 分" in page and "3.21%" in page
    assert "近12个月用电量同比下降 35%" in page
