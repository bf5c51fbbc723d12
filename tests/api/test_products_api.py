"""Loan products over HTTP: a bank manages its own, never another's; anyone browses the offer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from lenders.institutions.models import Lender
from lenders.products import service as product_service
from lenders.products.models import LoanProduct
from tests.factories import (
    bearer,
    make_api_key,
    make_enterprise,
    make_lender,
    make_product,
    make_user,
    product_fields,
)

LENDER_URL = "/api/v1/lender/products"
PUBLIC_URL = "/api/v1/products"


def bank_with_staff(db: Session) -> tuple[Lender, dict[str, str], dict[str, str]]:
    """A lender with the headers of one of its users and of one of its API keys."""
    bank = make_lender(db)
    user = make_user(db, Role.LENDER_USER, lender_id=bank.id)
    _api_key, key = make_api_key(db, bank)
    return bank, bearer(user), {"X-API-Key": key}


def counts(db: Session) -> tuple[int, int]:
    return (
        db.exec(select(func.count()).select_from(LoanProduct)).one(),
        db.exec(select(func.count()).select_from(AuditEvent)).one(),
    )


def stored(db: Session, product: LoanProduct) -> dict[str, Any]:
    db.expire_all()
    row = db.get(LoanProduct, product.id)
    assert row is not None
    return row.model_dump()


def test_a_bank_user_publishes_a_product(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    payload = product_fields(
        product_type="credit",
        min_amount_yuan="50000.50",
        grades=["B", "A"],
        industry_sections=["C"],
        districts=["330502"],
        entity_types=["enterprise"],
        min_operating_months=24,
        tech=True,
        fund_eligible=True,
    )
    response = client.post(LENDER_URL, json=payload, headers=user)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["lender_code"], body["lender_name"]) == (bank.code, bank.name)
    assert (body["product_type"], body["product_type_label"]) == ("credit", "信用")
    assert (body["status"], body["status_label"]) == ("active", "在售")
    assert (body["min_amount_fen"], body["max_amount_fen"]) == (5_000_050, 300_000_000)
    assert (body["min_rate_bp"], body["max_rate_bp"]) == (350, 600)
    assert body["grades"] == ["A", "B"] and body["entity_types"] == ["enterprise"]
    assert (body["min_operating_months"], body["tech"], body["green"]) == (24, True, False)
    assert body["fund_eligible"] is True and body["retired_at"] is None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "product.create")).one()
    assert event.subject_id == str(body["id"]) and event.actor_role == "lender_user"


def test_a_bank_system_publishes_with_its_api_key(client: TestClient, db: Session) -> None:
    bank, _user, key = bank_with_staff(db)
    response = client.post(LENDER_URL, json=product_fields(), headers=key)
    assert response.status_code == 201, response.text
    assert response.json()["lender_code"] == bank.code
    product = db.get(LoanProduct, response.json()["id"])
    assert product is not None and product.lender_id == bank.id
    assert product.created_by.startswith("api_key:")


BAD_INPUT = [
    pytest.param({"min_amount_yuan": 100000.5}, "validation_error", id="json-float"),
    pytest.param({"max_amount_yuan": "3000000.001"}, "validation_error", id="three-decimals"),
    pytest.param({"min_amount_yuan": "0"}, "validation_error", id="zero-amount"),
    pytest.param({"min_term_months": 0}, "validation_error", id="term-zero"),
    pytest.param({"max_rate_bp": 3.5}, "validation_error", id="rate-as-percent"),
    pytest.param({"grades": ["A", "S"]}, "validation_error", id="unknown-grade"),
    pytest.param({"industry_sections": ["U"]}, "validation_error", id="unknown-industry"),
    pytest.param({"districts": ["110101"]}, "validation_error", id="district-elsewhere"),
    pytest.param({"entity_types": ["company"]}, "validation_error", id="unknown-entity-type"),
    pytest.param({"product_type": "mortgage"}, "validation_error", id="unknown-product-type"),
    pytest.param({"status": "retired"}, "validation_error", id="status-is-not-input"),
    pytest.param({"min_amount_yuan": "3000000.01"}, "invalid_range", id="amount-min-above-max"),
    pytest.param({"min_term_months": 40}, "invalid_range", id="term-min-above-max"),
    pytest.param({"min_rate_bp": 700}, "invalid_range", id="rate-min-above-max"),
]


@pytest.mark.parametrize(("override", "code"), BAD_INPUT)
def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient, db: Session, override: dict[str, Any], code: str
) -> None:
    _bank, user, _key = bank_with_staff(db)
    before = counts(db)
    response = client.post(LENDER_URL, json=product_fields(**override), headers=user)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert counts(db) == before


def test_bank_b_cannot_see_edit_or_retire_bank_a_product(client: TestClient, db: Session) -> None:
    bank_a, _user_a, _key_a = bank_with_staff(db)
    _bank_b, user_b, key_b = bank_with_staff(db)
    product = make_product(db, bank_a)
    snapshot, before = stored(db, product), counts(db)
    path = f"{LENDER_URL}/{product.id}"
    missing_path = f"{LENDER_URL}/{(product.id or 0) + 10_000}"
    for headers in (user_b, key_b):
        answers = [
            client.get(path, headers=headers),
            client.patch(path, json={"name": "抢来的产品"}, headers=headers),
            client.post(f"{path}/retire", headers=headers),
        ]
        missing = client.get(missing_path, headers=headers)
        for answer in answers:
            # another bank's product answers exactly as a missing one
            assert answer.status_code == missing.status_code == 404, answer.text
            assert answer.json()["code"] == missing.json()["code"] == "product_not_found"
            assert bank_a.code not in answer.text
        listed = client.get(LENDER_URL, headers=headers).json()
        assert listed == {"data": [], "count": 0}
        sneaky = client.get(LENDER_URL, params={"lender_code": bank_a.code}, headers=headers)
        assert sneaky.json() == {"data": [], "count": 0}
    assert stored(db, product) == snapshot and counts(db) == before


def test_a_bank_lists_its_own_products_retired_ones_too(client: TestClient, db: Session) -> None:
    bank, user, key = bank_with_staff(db)
    older, newer = make_product(db, bank), make_product(db, bank)
    make_product(db, make_lender(db))  # another bank's
    product_service.retire(db, product=older, actor=SystemActor("test"), reason=None)
    for headers in (user, key):
        listed = client.get(LENDER_URL, headers=headers).json()
        assert [p["id"] for p in listed["data"]] == [newer.id, older.id] and listed["count"] == 2
        retired = client.get(LENDER_URL, params={"status": "retired"}, headers=headers).json()
        assert [p["id"] for p in retired["data"]] == [older.id]
        one = client.get(f"{LENDER_URL}/{older.id}", headers=headers)
        assert one.status_code == 200 and one.json()["status"] == "retired"


def test_admin_reads_every_banks_products_but_changes_none(client: TestClient, db: Session) -> None:
    admin = bearer(make_user(db, Role.ADMIN))
    bank_a, bank_b = make_lender(db), make_lender(db)
    a, b = make_product(db, bank_a), make_product(db, bank_b)
    everyone = client.get(LENDER_URL, headers=admin).json()
    assert [p["id"] for p in everyone["data"]] == [b.id, a.id] and everyone["count"] == 2
    one_bank = client.get(LENDER_URL, params={"lender_code": bank_a.code}, headers=admin).json()
    assert [p["id"] for p in one_bank["data"]] == [a.id]
    assert client.get(f"{LENDER_URL}/{b.id}", headers=admin).json()["lender_code"] == bank_b.code
    snapshot = stored(db, a)
    assert (
        client.patch(f"{LENDER_URL}/{a.id}", json={"name": "改"}, headers=admin).status_code == 403
    )
    assert client.post(f"{LENDER_URL}/{a.id}/retire", headers=admin).status_code == 403
    assert client.post(LENDER_URL, json=product_fields(), headers=admin).status_code == 403
    assert stored(db, a) == snapshot


def test_an_edit_changes_the_given_fields_and_is_audited(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    product = make_product(db, bank)
    response = client.patch(
        f"{LENDER_URL}/{product.id}",
        json={"max_amount_yuan": "5000000", "districts": ["330523"], "green": True},
        headers=user,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["max_amount_fen"], body["districts"], body["green"]) == (
        500_000_000,
        ["330523"],
        True,
    )
    assert body["min_amount_fen"] == 10_000_000 and body["name"] == product.name  # kept
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "product.update")).one()
    assert event.subject_id == str(product.id) and event.actor.startswith("user:")
    assert event.detail["changes"] == {
        "max_amount_fen": {"from": 300_000_000, "to": 500_000_000},
        "districts": {"from": [], "to": ["330523"]},
        "green": {"from": False, "to": True},
    }


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"max_amount_yuan": "99999.99"}, "invalid_range"),  # below the stored minimum
        ({"min_term_months": 37}, "invalid_range"),
        ({"min_amount_yuan": 200000.0}, "validation_error"),
        ({"grades": ["Z"]}, "validation_error"),
        ({"name": None}, "validation_error"),
    ],
)
def test_a_bad_edit_changes_nothing(
    client: TestClient, db: Session, body: dict[str, Any], code: str
) -> None:
    bank, user, _key = bank_with_staff(db)
    product = make_product(db, bank)
    snapshot, before = stored(db, product), counts(db)
    response = client.patch(f"{LENDER_URL}/{product.id}", json=body, headers=user)
    assert response.status_code == 422 and response.json()["code"] == code, response.text
    assert stored(db, product) == snapshot and counts(db) == before


def test_retiring_takes_a_product_off_offer_but_keeps_it(client: TestClient, db: Session) -> None:
    bank, user, key = bank_with_staff(db)
    _bank_b, user_b, _key_b = bank_with_staff(db)
    product = make_product(db, bank)
    public = f"{PUBLIC_URL}/{product.id}"
    assert client.get(public).status_code == 200
    response = client.post(
        f"{LENDER_URL}/{product.id}/retire", json={"reason": "额度用完"}, headers=key
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["status_label"]) == ("retired", "已下架")
    assert body["retired_at"] is not None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "product.retire")).one()
    assert event.detail["reason"] == "额度用完" and event.actor.startswith("api_key:")
    # off the shelf: not browsable, not readable by the public or another bank
    assert client.get(PUBLIC_URL).json() == {"data": [], "count": 0}
    firm = bearer(make_user(db, Role.ENTERPRISE, uscc=make_enterprise(db).uscc))
    for outsider in ({}, user_b, firm):
        answer = client.get(public, headers=outsider)
        assert answer.status_code == 404 and answer.json()["code"] == "product_not_found"
    # its own bank and the staff still read it
    assert client.get(public, headers=user).json()["status"] == "retired"
    for role in (Role.OFFICE, Role.ADMIN):
        staff = bearer(make_user(db, role))
        assert client.get(public, headers=staff).json()["status"] == "retired"
    # retired for good: no second retirement, no edit
    before = counts(db)
    again = client.post(f"{LENDER_URL}/{product.id}/retire", headers=user)
    assert again.status_code == 409 and again.json()["code"] == "product_retired"
    edit = client.patch(f"{LENDER_URL}/{product.id}", json={"name": "复活"}, headers=user)
    assert edit.status_code == 409 and edit.json()["code"] == "product_retired"
    assert counts(db) == before
    assert db.get(LoanProduct, product.id) is not None


def test_retiring_needs_no_body(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    product = make_product(db, bank)
    response = client.post(f"{LENDER_URL}/{product.id}/retire", headers=user)
    assert response.status_code == 200 and response.json()["status"] == "retired"
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "product.retire")).one()
    assert event.detail["reason"] is None


def shelf(db: Session) -> tuple[dict[str, LoanProduct], Lender]:
    """Products that each differ from a plain one in one way, plus two never on offer."""
    bank_a, bank_b = make_lender(db), make_lender(db)
    closed = make_lender(db)
    closed.is_active = False
    db.add(closed)
    variants: dict[str, dict[str, Any]] = {
        "plain": {},
        "collateral": {"product_type": "collateral"},
        "big": {"min_amount_yuan": "5000000", "max_amount_yuan": "10000000"},
        "long": {"min_term_months": 60, "max_term_months": 120},
        "grade-a": {"grades": ["A"]},
        "manufacturing": {"industry_sections": ["C"]},
        "anji": {"districts": ["330523"]},
        "cooperatives": {"entity_types": ["farmers_cooperative"]},
        "green": {"green": True},
        "tech": {"tech": True},
        "fund": {"fund_eligible": True},
    }
    products = {
        name: make_product(db, bank_a, name=name, **rules) for name, rules in variants.items()
    }
    products["bank-b"] = make_product(db, bank_b, name="bank-b")
    retired = make_product(db, bank_a, name="retired")
    product_service.retire(db, product=retired, actor=SystemActor("test"), reason=None)
    make_product(db, closed, name="closed-bank")
    return products, bank_b


ON_OFFER = {
    "plain", "collateral", "big", "long", "grade-a", "manufacturing", "anji", "cooperatives",
    "green", "tech", "fund", "bank-b",
}  # fmt: skip

FILTERS = [
    pytest.param({}, ON_OFFER, id="no-filter"),
    pytest.param({"product_type": "collateral"}, {"collateral"}, id="product-type"),
    pytest.param({"amount_yuan": "6000000.00"}, {"big"}, id="amount-only-big-fits"),
    pytest.param({"amount_yuan": "200000"}, ON_OFFER - {"big"}, id="amount-below-big"),
    pytest.param({"term_months": 72}, {"long"}, id="term-only-long-fits"),
    pytest.param({"term_months": 12}, ON_OFFER - {"long"}, id="term-short"),
    pytest.param({"grade": "B"}, ON_OFFER - {"grade-a"}, id="grade-b"),
    pytest.param({"grade": "A"}, ON_OFFER, id="grade-a-fits-all"),
    pytest.param({"industry_section": "I"}, ON_OFFER - {"manufacturing"}, id="industry-i"),
    pytest.param({"district": "330502"}, ON_OFFER - {"anji"}, id="district"),
    pytest.param({"entity_type": "enterprise"}, ON_OFFER - {"cooperatives"}, id="entity-type"),
    pytest.param({"entity_type": "farmers_cooperative"}, ON_OFFER, id="cooperative-fits-all-open"),
    pytest.param({"green": "true"}, {"green"}, id="green-products"),
    pytest.param({"green": "false"}, ON_OFFER - {"green"}, id="not-green-products"),
    pytest.param({"tech": "true"}, {"tech"}, id="tech-products"),
    pytest.param({"fund_eligible": "true"}, {"fund"}, id="fund-eligible"),
    pytest.param({"fund_eligible": "false"}, ON_OFFER - {"fund"}, id="not-fund-eligible"),
    pytest.param({"amount_yuan": "6000000", "grade": "C"}, {"big"}, id="filters-combine"),
    pytest.param({"amount_yuan": "6000000", "term_months": 72}, set(), id="nothing-fits"),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_each_supermarket_filter_narrows(
    client: TestClient, db: Session, query: dict[str, Any], expected: set[str]
) -> None:
    shelf(db)
    response = client.get(PUBLIC_URL, params={**query, "limit": 500})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {p["name"] for p in body["data"]} == expected and body["count"] == len(expected)


def test_the_supermarket_filters_by_bank(client: TestClient, db: Session) -> None:
    _products, bank_b = shelf(db)
    body = client.get(PUBLIC_URL, params={"lender_code": bank_b.code}).json()
    assert [p["name"] for p in body["data"]] == ["bank-b"] and body["count"] == 1
    none = client.get(PUBLIC_URL, params={"lender_code": "no-such-bank"}).json()
    assert none == {"data": [], "count": 0}


def test_the_supermarket_pages_newest_first(client: TestClient, db: Session) -> None:
    bank = make_lender(db)
    made = [make_product(db, bank, name=f"产品{n}") for n in range(5)]
    newest_first = [p.id for p in reversed(made)]
    first = client.get(PUBLIC_URL, params={"limit": 2}).json()
    rest = client.get(PUBLIC_URL, params={"offset": 2, "limit": 10}).json()
    assert [p["id"] for p in first["data"]] == newest_first[:2] and first["count"] == 5
    assert [p["id"] for p in rest["data"]] == newest_first[2:] and rest["count"] == 5
    narrowed = client.get(PUBLIC_URL, params={"grade": "A", "offset": 4}).json()
    assert [p["id"] for p in narrowed["data"]] == newest_first[4:] and narrowed["count"] == 5


@pytest.mark.parametrize(
    "query",
    [
        {"amount_yuan": "500000.001"},
        {"amount_yuan": "-1"},
        {"term_months": 0},
        {"grade": "F"},
        {"industry_section": "Z"},
        {"district": "3305"},
        {"entity_type": "company"},
        {"product_type": "mortgage"},
        {"limit": 501},
    ],
)
def test_bad_filters_are_refused(client: TestClient, db: Session, query: dict[str, Any]) -> None:
    response = client.get(PUBLIC_URL, params=query)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"


def test_anyone_reads_a_product_on_offer(client: TestClient, db: Session) -> None:
    product = make_product(db, make_lender(db), description="随借随还")
    anonymous = client.get(f"{PUBLIC_URL}/{product.id}")
    assert anonymous.status_code == 200 and anonymous.json()["description"] == "随借随还"
    bad_token = client.get(f"{PUBLIC_URL}/{product.id}", headers={"Authorization": "Bearer x"})
    assert bad_token.status_code == 401  # credentials, when sent, must be good ones
    missing = client.get(f"{PUBLIC_URL}/{(product.id or 0) + 10_000}")
    assert missing.status_code == 404 and missing.json()["code"] == "product_not_found"


def test_a_closed_banks_products_are_off_offer(client: TestClient, db: Session) -> None:
    bank, user, _key = bank_with_staff(db)
    product = make_product(db, bank)
    bank.is_active = False
    db.add(bank)
    db.flush()
    assert client.get(PUBLIC_URL).json()["count"] == 0
    assert client.get(f"{PUBLIC_URL}/{product.id}").status_code == 404
    assert client.get(f"{PUBLIC_URL}/{product.id}", headers=user).status_code == 200
