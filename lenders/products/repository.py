"""Every query about loan products."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.applications.models import ProductType
from lenders.institutions.models import Lender
from lenders.products.models import LoanProduct, ProductStatus


def product(session: Session, product_id: int) -> LoanProduct | None:
    """The product alone, not locked."""
    return session.get(LoanProduct, product_id)


def names(session: Session, product_ids: Sequence[int]) -> dict[int, str]:
    """The names of these products, in one query."""
    if not product_ids:
        return {}
    rows = session.exec(
        select(LoanProduct.id, LoanProduct.name).where(col(LoanProduct.id).in_(set(product_ids)))
    ).all()
    return {product_id: name for product_id, name in rows if product_id is not None}


def get(
    session: Session, product_id: int, *, for_update: bool = False
) -> tuple[LoanProduct, Lender] | None:
    """The product with its lender; ``for_update`` locks the product row until commit."""
    query = (
        select(LoanProduct, Lender)
        .join(Lender, col(Lender.id) == col(LoanProduct.lender_id))
        .where(col(LoanProduct.id) == product_id)
    )
    if for_update:
        query = query.with_for_update(of=LoanProduct)
    row = session.exec(query).first()
    return (row[0], row[1]) if row is not None else None


def page(
    session: Session,
    *,
    lender_id: int | None,
    lender_code: str | None,
    status: ProductStatus | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[tuple[LoanProduct, Lender]], int]:
    """Products newest first, of one lender when ``lender_id`` or ``lender_code`` is given."""
    conditions: list[Any] = []
    if lender_id is not None:
        conditions.append(col(LoanProduct.lender_id) == lender_id)
    if lender_code is not None:
        conditions.append(col(Lender.code) == lender_code)
    if status is not None:
        conditions.append(col(LoanProduct.status) == status)
    joined = select(LoanProduct, Lender).join(Lender, col(Lender.id) == col(LoanProduct.lender_id))
    rows = session.exec(
        joined.where(*conditions).order_by(col(LoanProduct.id).desc()).offset(offset).limit(limit)
    ).all()
    total = session.exec(
        select(func.count())
        .select_from(LoanProduct)
        .join(Lender, col(Lender.id) == col(LoanProduct.lender_id))
        .where(*conditions)
    ).one()
    return [(p, lender) for p, lender in rows], total


def on_offer(
    session: Session,
    *,
    product_type: ProductType | None = None,
    lender_code: str | None = None,
    green: bool | None = None,
    tech: bool | None = None,
    fund_eligible: bool | None = None,
) -> Sequence[tuple[LoanProduct, Lender]]:
    """Every active product of an active lender, newest first, narrowed by its own columns.

    The eligibility rules are JSON lists and are applied by the caller in Python, through
    the same code as matching; a city has hundreds of products, not millions.
    """
    conditions: list[Any] = [
        col(LoanProduct.status) == ProductStatus.ACTIVE,
        col(Lender.is_active).is_(True),
    ]
    if product_type is not None:
        conditions.append(col(LoanProduct.product_type) == product_type)
    if lender_code is not None:
        conditions.append(col(Lender.code) == lender_code)
    if green is not None:
        conditions.append(col(LoanProduct.green).is_(green))
    if tech is not None:
        conditions.append(col(LoanProduct.tech).is_(tech))
    if fund_eligible is not None:
        conditions.append(col(LoanProduct.fund_eligible).is_(fund_eligible))
    rows = session.exec(
        select(LoanProduct, Lender)
        .join(Lender, col(Lender.id) == col(LoanProduct.lender_id))
        .where(*conditions)
        .order_by(col(LoanProduct.id).desc())
    ).all()
    return [(p, lender) for p, lender in rows]
