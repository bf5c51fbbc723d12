"""Rules of loan products: a lender publishes, edits and retires; anyone browses the offer."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.money import fen_to_yuan, yuan_to_fen
from lenders.institutions import service as lender_service
from lenders.institutions.models import Lender
from lenders.products import eligibility, repository
from lenders.products.exceptions import InvalidProductRange, ProductNotFound, ProductRetired
from lenders.products.models import LoanProduct, ProductStatus
from lenders.products.schemas import (
    OwnProductFilters,
    ProductCreate,
    ProductFilters,
    ProductUpdate,
    column_values,
)

SUBJECT = "product"
Row = tuple[LoanProduct, Lender]


def create(session: Session, *, lender_id: int, data: ProductCreate, actor: Actor) -> Row:
    """Publish a product for ``lender_id``; it is on offer at once."""
    lender = lender_service.get(session, lender_id=lender_id)
    values = column_values(data)
    _check_ranges(values)
    product = LoanProduct(lender_id=lender_id, created_by=actor.ref, **values)
    session.add(product)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="product.create",
        subject_type=SUBJECT,
        subject_id=product.id or 0,
        detail={"lender_id": lender_id, **_jsonable(values)},
    )
    return product, lender


def get(session: Session, *, product_id: int, for_update: bool = False) -> Row:
    """The product with this id and its lender, or ProductNotFound."""
    row = repository.get(session, product_id, for_update=for_update)
    if row is None:
        raise ProductNotFound(f"product {product_id} does not exist")
    return row


def names(session: Session, *, product_ids: Sequence[int]) -> dict[int, str]:
    """Each product's name by id, for a page that lists leads on several products."""
    return repository.names(session, product_ids)


def list_page(
    session: Session,
    *,
    lender_id: int | None,
    filters: OwnProductFilters,
    offset: int,
    limit: int,
) -> tuple[Sequence[Row], int]:
    """Products newest first, retired ones included: one lender's, or every lender's."""
    return repository.page(
        session,
        lender_id=lender_id,
        lender_code=filters.lender_code,
        status=filters.status,
        offset=offset,
        limit=limit,
    )


def browse(
    session: Session, *, filters: ProductFilters, offset: int, limit: int
) -> tuple[Sequence[Row], int]:
    """The product supermarket: active products of active lenders that fit the given facts."""
    rows = repository.on_offer(
        session,
        product_type=filters.product_type,
        lender_code=filters.lender_code,
        green=filters.green,
        tech=filters.tech,
        fund_eligible=filters.fund_eligible,
    )
    facts = eligibility.Facts(
        grade=filters.grade,
        industry_section=filters.industry_section,
        district=filters.district,
        entity_type=filters.entity_type,
        amount_fen=yuan_to_fen(filters.amount_yuan) if filters.amount_yuan is not None else None,
        term_months=filters.term_months,
    )
    fitting = [row for row in rows if eligibility.fits(row[0], facts)]
    return fitting[offset : offset + limit], len(fitting)


def update(
    session: Session, *, product: LoanProduct, data: ProductUpdate, actor: Actor
) -> LoanProduct:
    """Change some fields of an active product; the audit log keeps each old and new value."""
    _check_active(product)
    values = column_values(data)
    _check_ranges({**product.model_dump(), **values})
    changes = {
        name: {"from": getattr(product, name), "to": value}
        for name, value in values.items()
        if getattr(product, name) != value
    }
    if not changes:
        return product  # nothing changed, so nothing to record
    for name, change in changes.items():
        setattr(product, name, change["to"])
    product.updated_at = utcnow()
    session.add(product)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="product.update",
        subject_type=SUBJECT,
        subject_id=product.id or 0,
        detail={"lender_id": product.lender_id, "changes": _jsonable(changes)},
    )
    return product


def retire(
    session: Session, *, product: LoanProduct, actor: Actor, reason: str | None
) -> LoanProduct:
    """Take a product off offer for good; it stays readable by its lender and staff."""
    _check_active(product)
    product.status = ProductStatus.RETIRED
    product.retired_at = product.updated_at = utcnow()
    session.add(product)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="product.retire",
        subject_type=SUBJECT,
        subject_id=product.id or 0,
        detail={"lender_id": product.lender_id, "reason": reason},
    )
    return product


def _check_active(product: LoanProduct) -> None:
    if product.status is not ProductStatus.ACTIVE:
        raise ProductRetired(
            f"product {product.id} is retired; publish a new product instead",
            product_id=product.id,
        )


def _check_ranges(values: dict[str, Any]) -> None:
    """Each minimum at most its maximum, with the product's values where the edit gives none."""
    ranges = (
        ("amount", "min_amount_fen", "max_amount_fen", lambda fen: f"{fen_to_yuan(fen)} yuan"),
        ("term", "min_term_months", "max_term_months", lambda months: f"{months} months"),
        ("rate", "min_rate_bp", "max_rate_bp", lambda bp: f"{bp} bp"),
    )
    for what, low_name, high_name, show in ranges:
        low, high = values[low_name], values[high_name]
        if low > high:
            raise InvalidProductRange(
                f"the minimum {what} ({show(low)}) is above the maximum ({show(high)})",
                rule=what,
            )


def _jsonable(value: Any) -> Any:
    """Enums as their values, so the audit detail is plain JSON."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value
