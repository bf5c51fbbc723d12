from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, User
from tests.factories import PASSWORD, bearer, make_enterprise, make_lender, make_user


def login(client: TestClient, username: str, password: str) -> dict:
    return client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    ).json()


def test_password_login_gives_a_working_token(client: TestClient, db: Session) -> None:
    user = make_user(db, Role.OFFICE, username="office-1")
    token = login(client, "office-1", PASSWORD)
    assert token["token_type"] == "bearer" and token["expires_in"] == 30 * 60
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == user.id and me.json()["role"] == "office"
    db.expire_all()
    assert db.get(User, user.id).last_login_at is not None


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient, db: Session) -> None:
    make_user(db, Role.OFFICE, username="office-2")
    wrong = client.post("/api/v1/auth/token", data={"username": "office-2", "password": "nope"})
    unknown = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.json()["code"] == "invalid_credentials"


def test_deactivated_user_is_locked_out_at_once(client: TestClient, db: Session) -> None:
    admin, office = make_user(db, Role.ADMIN), make_user(db, Role.OFFICE)
    headers = bearer(office)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    response = client.patch(
        f"/api/v1/users/{office.id}", json={"is_active": False}, headers=bearer(admin)
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_missing_and_garbage_credentials(client: TestClient) -> None:
    assert client.get("/api/v1/me").status_code == 401
    garbage = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert garbage.status_code == 401 and garbage.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/me", headers={"X-API-Key": "xyd_000000000000_x"}).status_code == 401


def test_self_registration_refused_on_wrong_representative(client: TestClient, db: Session) -> None:
    enterprise = make_enterprise(db, legal_representative="李四")
    payload = {
        "uscc": enterprise.uscc,
        "legal_representative": "王五",
        "username": "wangwu",
        "display_name": "王五",
        "password": "long-enough-password",
    }
    response = client.post("/api/v1/auth/register-enterprise", json=payload)
    assert response.status_code == 403 and response.json()["code"] == "registration_refused"
    assert db.exec(select(User).where(User.username == "wangwu")).first() is None


def test_admin_creates_users_bound_by_role(client: TestClient, db: Session) -> None:
    admin, lender = make_user(db, Role.ADMIN), make_lender(db)
    enterprise = make_enterprise(db)
    ok = client.post(
        "/api/v1/users",
        headers=bearer(admin),
        json={
            "username": "loan-officer",
            "display_name": "信贷员",
            "password": "long-enough-pw",
            "role": "lender_user",
            "lender_id": lender.id,
        },
    )
    assert ok.status_code == 201 and ok.json()["lender_id"] == lender.id
    refusals = [
        {"role": "lender_user"},  # no lender
        {"role": "enterprise"},  # no USCC
        {"role": "office", "lender_id": lender.id},  # staff bound to a lender
        {"role": "lender_client", "lender_id": lender.id},  # machines use keys
        {"role": "enterprise", "uscc": enterprise.uscc, "lender_id": lender.id},
    ]
    for index, extra in enumerate(refusals):
        response = client.post(
            "/api/v1/users",
            headers=bearer(admin),
            json={
                "username": f"bad-{index}",
                "display_name": "x",
                "password": "long-enough-pw",
                **extra,
            },
        )
        assert response.status_code == 422, (extra, response.text)
        assert response.json()["code"] == "invalid_account"
    taken = client.post(
        "/api/v1/users",
        headers=bearer(admin),
        json={
            "username": "loan-officer",
            "display_name": "x",
            "password": "long-enough-pw",
            "role": "office",
        },
    )
    assert taken.status_code == 409 and taken.json()["code"] == "username_taken"
    short = client.post(
        "/api/v1/users",
        headers=bearer(admin),
        json={
            "username": "shorty",
            "display_name": "x",
            "password": "short",
            "role": "office",
        },
    )
    assert short.status_code == 422 and short.json()["code"] == "validation_error"
