from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.enterprises import uscc
from app.enterprises.models import Enterprise, UsccReview
from tests.factories import bearer, enterprise_fields, make_enterprise, make_user, valid_uscc


def body(**overrides: object) -> dict[str, object]:
    return enterprise_fields(**overrides)


def count(db: Session, model: type) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_office_registers_an_enterprise(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    payload = body()
    response = client.post("/api/v1/enterprises", json=payload, headers=bearer(office))
    assert response.status_code == 201, response.text
    created = response.json()["enterprise"]
    assert created["uscc"] == payload["uscc"]
    assert created["registered_capital_fen"] == 100_000_000
    assert created["size_class"] == "small"
    assert created["legal_rep_masked"] == "张**"
    assert "张三丰" not in response.text
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "enterprise.register")).all()
    assert [e.subject_id for e in events] == [payload["uscc"]]


def test_failing_check_char_goes_to_review_not_registry(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    good = valid_uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post("/api/v1/enterprises", json=body(uscc=bad), headers=bearer(office))
    assert response.status_code == 202, response.text
    review = response.json()["review"]
    assert review["uscc"] == bad and review["expected_check_char"] == good[-1]
    assert review["status"] == "pending"
    assert "张三丰" not in response.text
    assert db.get(Enterprise, bad) is None
    # Sending it again does not queue it twice.
    again = client.post("/api/v1/enterprises", json=body(uscc=bad), headers=bearer(office))
    assert again.json()["review"]["id"] == review["id"]
    assert count(db, UsccReview) == 1


def test_operator_accepts_a_held_code(client: TestClient, db: Session) -> None:
    office, operator = make_user(db, Role.OFFICE), make_user(db, Role.DATA_OPERATOR)
    bad = valid_uscc()[:-1] + "Y"
    if uscc.check(bad).is_valid:
        bad = bad[:-1] + "W"
    review_id = client.post(
        "/api/v1/enterprises", json=body(uscc=bad), headers=bearer(office)
    ).json()["review"]["id"]
    listed = client.get("/api/v1/uscc-reviews", headers=bearer(operator)).json()
    assert [r["id"] for r in listed["data"]] == [review_id]
    decided = client.post(
        f"/api/v1/uscc-reviews/{review_id}/decision",
        json={"accept": True, "note": "试点地区早期代码，经核实真实存在"},
        headers=bearer(operator),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "accepted"
    enterprise = db.get(Enterprise, bad)
    assert enterprise is not None and enterprise.uscc_check_passed is False
    assert enterprise.legal_rep_masked == "张**"
    twice = client.post(
        f"/api/v1/uscc-reviews/{review_id}/decision",
        json={"accept": False, "note": "重复"},
        headers=bearer(operator),
    )
    assert twice.status_code == 409 and twice.json()["code"] == "uscc_review_decided"


def test_operator_rejects_a_held_code(client: TestClient, db: Session) -> None:
    operator = make_user(db, Role.DATA_OPERATOR)
    bad = valid_uscc()
    bad = bad[:-1] + ("A" if bad[-1] != "A" else "B")
    review_id = client.post(
        "/api/v1/enterprises", json=body(uscc=bad), headers=bearer(operator)
    ).json()["review"]["id"]
    response = client.post(
        f"/api/v1/uscc-reviews/{review_id}/decision",
        json={"accept": False, "note": "录入错误"},
        headers=bearer(operator),
    )
    assert response.json()["status"] == "rejected"
    assert db.get(Enterprise, bad) is None


def test_bad_input_is_refused_and_changes_nothing(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    cases = {
        "invalid_uscc": body(uscc="12345"),
        "validation_error": body(district="33050"),
        "invalid_industry": body(industry_section="C", industry_division="52"),
        "invalid_district": body(district="990101"),
    }
    for code, payload in cases.items():
        response = client.post("/api/v1/enterprises", json=payload, headers=bearer(office))
        assert response.status_code == 422, (code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code
    float_money = body()
    float_money["registered_capital_yuan"] = 1000.5
    response = client.post("/api/v1/enterprises", json=float_money, headers=bearer(office))
    assert response.status_code == 422 and "float" in response.json()["detail"]
    three_decimals = body(registered_capital_yuan="10.001")
    response = client.post("/api/v1/enterprises", json=three_decimals, headers=bearer(office))
    assert response.status_code == 422 and "two decimals" in response.json()["detail"]
    assert count(db, Enterprise) == 0 and count(db, UsccReview) == 0


def test_duplicate_registration_is_a_conflict(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    existing = make_enterprise(db)
    response = client.post(
        "/api/v1/enterprises", json=body(uscc=existing.uscc), headers=bearer(office)
    )
    assert response.status_code == 409 and response.json()["code"] == "enterprise_exists"


def test_list_filters_and_pages(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    for district in ("330502", "330502", "330503"):
        make_enterprise(db, uscc=valid_uscc(district=district), district=district)
    make_enterprise(
        db,
        uscc=valid_uscc(district="330523", category="2"),
        district="330523",
        entity_type="individual_business",
        industry_section="F",
        industry_division="52",
    )
    get = lambda query: client.get(f"/api/v1/enterprises?{query}", headers=bearer(office)).json()  # noqa: E731
    assert get("")["count"] == 4
    assert get("district=330502")["count"] == 2
    assert get("industry_section=F")["count"] == 1
    assert get("entity_type=individual_business")["data"][0]["district"] == "330523"
    first, second = get("limit=2&offset=0"), get("limit=2&offset=2")
    assert first["count"] == 4 and len(first["data"]) == 2 and len(second["data"]) == 2
    assert {e["uscc"] for e in first["data"]}.isdisjoint(e["uscc"] for e in second["data"])
    bad = client.get("/api/v1/enterprises?limit=0", headers=bearer(office))
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def test_enterprise_reads_itself_by_me_and_by_code(client: TestClient, db: Session) -> None:
    enterprise = make_enterprise(db)
    user = make_user(db, Role.ENTERPRISE, uscc=enterprise.uscc)
    assert (
        client.get("/api/v1/enterprises/me", headers=bearer(user)).json()["uscc"] == enterprise.uscc
    )
    lower = client.get(f"/api/v1/enterprises/{enterprise.uscc.lower()}", headers=bearer(user))
    assert lower.status_code == 200


def test_a_code_with_a_hidden_character_is_refused_not_a_second_firm(
    client: TestClient, db: Session
) -> None:
    """A trailing NUL, tab or ideographic space is refused; only ASCII edge spaces are forgiven."""
    office = make_user(db, Role.OFFICE)
    code = valid_uscc()
    first = client.post("/api/v1/enterprises", json=body(uscc=code), headers=bearer(office))
    assert first.status_code == 201, first.text
    for hidden in ("\x00", "\t", "\u3000", "\n"):
        payload = body(uscc=code + hidden)
        response = client.post("/api/v1/enterprises", json=payload, headers=bearer(office))
        assert response.status_code == 422, (repr(hidden), response.text)
        assert response.json()["code"] == "invalid_uscc"
    spaced = client.post(
        "/api/v1/enterprises", json=body(uscc=f"  {code} "), headers=bearer(office)
    )
    assert spaced.status_code == 409  # the same firm, not a second one
    assert count(db, Enterprise) == 1 and count(db, UsccReview) == 0


def test_list_searches_by_code_prefix_or_name(client: TestClient, db: Session) -> None:
    office = make_user(db, Role.OFFICE)
    heng = make_enterprise(db, name="湖州恒兴机械有限公司")
    make_enterprise(db, name="安吉竹业合作社")
    get = lambda q: client.get("/api/v1/enterprises", params={"q": q}, headers=bearer(office))  # noqa: E731
    assert [e["uscc"] for e in get("恒兴").json()["data"]] == [heng.uscc]
    assert [e["uscc"] for e in get(heng.uscc[:17].lower()).json()["data"]] == [heng.uscc]
    assert get("%").json()["count"] == 0  # a wildcard is matched as itself
    refused = get("a\x00b")
    assert refused.status_code == 422 and refused.json()["code"] == "validation_error"
    assert get("x" * 101).status_code == 422
