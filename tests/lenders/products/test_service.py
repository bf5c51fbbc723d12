"""Publishing, editing and retiring products: the rules, the audit trail, nothing half-done."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from lenders.products import service as product_service
from lenders.products.exceptions import InvalidProductRange, ProductRetired
from lenders.products.models import LoanProduct, ProductStatus
from lenders.products.schemas import ProductCreate, ProductUpdate
from tests.factories import make_lender, make_product, product_fields

ACTOR = SystemActor("test")


def counts(db: Session) -> tuple[int, int]:
    return (
        db.exec(select(func.count()).select_from(LoanProduct)).one(),
        db.exec(select(func.count()).select_from(AuditEvent)).one(),
    )


def events(db: Session, product: LoanProduct, action: str) -> list[AuditEvent]:
    return list(
        db.exec(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "product")
            .where(AuditEvent.subject_id == str(product.id))
            .where(AuditEvent.action == action)
            .order_by(col(AuditEvent.id))
        ).all()
    )


def test_a_product_is_published_active_and_audited(db: Session) -> None:
    bank = make_lender(db)
    product = make_product(db, bank, grades=["A", "B"], fund_eligible=True)
    assert product.status is ProductStatus.ACTIVE and product.lender_id == bank.id
    assert (product.min_amount_fen, product.max_amount_fen) == (10_000_000, 300_000_000)
    [event] = events(db, product, "product.create")
    assert event.actor == "test" and event.detail["lender_id"] == bank.id
    assert event.detail["grades"] == ["A", "B"] and event.detail["product_type"] == "pure_credit"
    assert event.detail["min_amount_fen"] == 10_000_000 and event.detail["fund_eligible"] is True


@pytest.mark.parametrize(
    ("override", "rule"),
    [
        ({"min_amount_yuan": "3000000.01"}, "amount"),
        ({"min_term_months": 37}, "term"),
        ({"min_rate_bp": 601}, "rate"),
    ],
)
def test_a_minimum_above_its_maximum_is_refused_and_changes_nothing(
    db: Session, override: dict[str, Any], rule: str
) -> None:
    bank = make_lender(db)
    before = counts(db)
    data = ProductCreate.model_validate(product_fields(**override))
    with pytest.raises(InvalidProductRange) as raised:
        product_service.create(db, lender_id=bank.id or 0, data=data, actor=ACTOR)
    assert raised.value.extra["rule"] == rule and "above the maximum" in raised.value.detail
    assert counts(db) == before


def test_equal_minimum_and_maximum_make_a_fixed_offer(db: Session) -> None:
    product = make_product(
        db, make_lender(db), max_amount_yuan="100000", max_term_months=6, max_rate_bp=350
    )
    assert product.min_amount_fen == product.max_amount_fen == 10_000_000
    assert product.min_term_months == product.max_term_months == 6


def test_an_edit_records_each_old_and_new_value(db: Session) -> None:
    product = make_product(db, make_lender(db))
    created_at = product.updated_at
    data = ProductUpdate.model_validate(
        {"max_amount_yuan": "5000000", "grades": ["A"], "name": "小微信用贷", "tech": True}
    )
    product_service.update(db, product=product, data=data, actor=ACTOR)
    db.expire_all()
    stored = db.get(LoanProduct, product.id)
    assert stored is not None
    assert (stored.max_amount_fen, stored.grades, stored.tech) == (500_000_000, ["A"], True)
    assert stored.updated_at > created_at
    [event] = events(db, product, "product.update")
    # the unchanged name is not reported as a change
    assert event.detail["changes"] == {
        "max_amount_fen": {"from": 300_000_000, "to": 500_000_000},
        "grades": {"from": [], "to": ["A"]},
        "tech": {"from": False, "to": True},
    }


def test_an_edit_that_changes_nothing_records_nothing(db: Session) -> None:
    product = make_product(db, make_lender(db))
    before = counts(db)
    data = ProductUpdate.model_validate({"name": product.name, "min_term_months": 6})
    product_service.update(db, product=product, data=data, actor=ACTOR)
    assert counts(db) == before


@pytest.mark.parametrize(
    "body",
    [
        {"min_amount_yuan": "3000000.01"},  # above the stored maximum
        {"max_term_months": 5},  # below the stored minimum
        {"min_rate_bp": 700, "max_rate_bp": 650},
    ],
)
def test_an_edit_is_checked_against_the_stored_range_and_changes_nothing(
    db: Session, body: dict[str, Any]
) -> None:
    product = make_product(db, make_lender(db))
    snapshot = product.model_dump()
    before = counts(db)
    with pytest.raises(InvalidProductRange):
        product_service.update(
            db, product=product, data=ProductUpdate.model_validate(body), actor=ACTOR
        )
    db.expire_all()
    stored = db.get(LoanProduct, product.id)
    assert stored is not None and stored.model_dump() == snapshot
    assert counts(db) == before


def test_retiring_keeps_the_product_and_is_audited(db: Session) -> None:
    product = make_product(db, make_lender(db))
    product_service.retire(db, product=product, actor=ACTOR, reason="产品到期")
    db.expire_all()
    stored = db.get(LoanProduct, product.id)
    assert stored is not None and stored.status is ProductStatus.RETIRED
    assert stored.retired_at is not None and stored.retired_at == stored.updated_at
    [event] = events(db, product, "product.retire")
    assert event.detail == {"lender_id": product.lender_id, "reason": "产品到期"}


def test_a_retired_product_cannot_be_edited_or_retired_again(db: Session) -> None:
    product = make_product(db, make_lender(db))
    product_service.retire(db, product=product, actor=ACTOR, reason=None)
    before = counts(db)
    with pytest.raises(ProductRetired):
        product_service.update(
            db, product=product, data=ProductUpdate.model_validate({"name": "新名字"}), actor=ACTOR
        )
    with pytest.raises(ProductRetired):
        product_service.retire(db, product=product, actor=ACTOR, reason=None)
    assert counts(db) == before and product.name == "小微信用贷"


def test_the_database_refuses_an_inverted_range_the_service_would_never_write(
    db: Session,
) -> None:
    product = make_product(db, make_lender(db))
    product.min_term_months = 40  # past the maximum of 36, bypassing the service
    db.add(product)
    with pytest.raises(Exception, match="term_range"):
        db.flush()
    db.rollback()
