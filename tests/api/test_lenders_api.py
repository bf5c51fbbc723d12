from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import ApiKey, Role
from app.audit.models import AuditEvent
from tests.factories import bearer, make_lender, make_user


def test_key_is_shown_once_stored_as_digest_and_works(client: TestClient, db: Session) -> None:
    lender = make_lender(db)
    officer = make_user(db, Role.LENDER_USER, lender_id=lender.id)
    created = client.post(
        f"/api/v1/lenders/{lender.id}/api-keys",
        json={"name": "core-banking"},
        headers=bearer(officer),
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    stored = db.exec(select(ApiKey).where(ApiKey.id == created.json()["id"])).one()
    assert key not in (stored.digest, stored.prefix) and stored.digest != key
    listed = client.get(f"/api/v1/lenders/{lender.id}/api-keys", headers=bearer(officer)).json()
    assert listed["count"] == 1 and "key" not in listed["data"][0]
    me = client.get("/api/v1/me", headers={"X-API-Key": key}).json()
    assert me["role"] == "lender_client" and me["lender_id"] == lender.id
    own = client.get(f"/api/v1/lenders/{lender.id}", headers={"X-API-Key": key})
    assert own.status_code == 200


def test_rotation_two_keys_then_revoke_the_old(client: TestClient, db: Session) -> None:
    lender = make_lender(db)
    admin = make_user(db, Role.ADMIN)
    url = f"/api/v1/lenders/{lender.id}/api-keys"
    old = client.post(url, json={"name": "2026"}, headers=bearer(admin)).json()
    new = client.post(url, json={"name": "2027"}, headers=bearer(admin)).json()
    for key in (old["key"], new["key"]):
        assert client.get("/api/v1/me", headers={"X-API-Key": key}).status_code == 200
    revoked = client.delete(f"{url}/{old['id']}", headers=bearer(admin))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers={"X-API-Key": old["key"]}).status_code == 401
    assert client.get("/api/v1/me", headers={"X-API-Key": new["key"]}).status_code == 200
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.subject_type == "api_key")).all()
    assert sorted(actions) == ["api_key.create", "api_key.create", "api_key.revoke"]


def test_expired_key_is_refused(client: TestClient, db: Session) -> None:
    lender = make_lender(db)
    admin = make_user(db, Role.ADMIN)
    past = client.post(
        f"/api/v1/lenders/{lender.id}/api-keys",
        json={"name": "x", "expires_at": "2020-01-01T00:00:00Z"},
        headers=bearer(admin),
    )
    assert past.status_code == 422 and past.json()["code"] == "invalid_account"


def test_lender_code_must_be_unique_and_well_formed(client: TestClient, db: Session) -> None:
    admin = make_user(db, Role.ADMIN)
    first = client.post(
        "/api/v1/lenders", json={"code": "hz-bank", "name": "湖州银行"}, headers=bearer(admin)
    )
    assert first.status_code == 201
    (audited,) = db.exec(select(AuditEvent).where(AuditEvent.action == "lender.create")).all()
    assert audited.subject_id == str(first.json()["id"]) and audited.detail["code"] == "hz-bank"
    again = client.post(
        "/api/v1/lenders", json={"code": "hz-bank", "name": "另一家"}, headers=bearer(admin)
    )
    assert again.status_code == 409 and again.json()["code"] == "lender_code_taken"
    bad = client.post(
        "/api/v1/lenders", json={"code": "HZ Bank!", "name": "x y"}, headers=bearer(admin)
    )
    assert bad.status_code == 422
