"""Loan products (金融产品): a lender publishes, edits and retires its own; anyone browses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from app.accounts.models import Role
from app.api.deps import (
    PageDep,
    SessionDep,
)
from app.api.idempotency import Idempotent
from app.api.owned import (
    Banker,
    BrowsableProduct,
    ManagedProduct,
    OwnProductForUpdate,
    ProductManager,
    lender_id_of,
)
from app.api.problems import problem_schema
from lenders.products import service as product_service
from lenders.products.schemas import (
    OwnProductFilters,
    ProductCreate,
    ProductFilters,
    ProductPublic,
    ProductsPublic,
    ProductUpdate,
    RetireRequest,
)

router = APIRouter(tags=["products"])

# A lender's people and systems manage its products; admin reads every lender's, changes none.
Publisher = Banker

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: problem_schema("product_not_found"),
    403: problem_schema("forbidden"),
}
# Every change takes an Idempotency-Key (app.api.idempotency), whose refusals are listed too.
CREATE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    403: problem_schema("forbidden"),
    409: problem_schema("idempotency_key_in_progress"),
    422: problem_schema("validation_error", "invalid_range", "idempotency_key_reused"),
}
CHANGE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: problem_schema("product_retired", "idempotency_key_in_progress"),
    422: problem_schema("validation_error", "invalid_range", "idempotency_key_reused"),
}


@router.post(
    "/lender/products",
    response_model=ProductPublic,
    status_code=201,
    responses=CREATE_PROBLEMS,
)
def create_product(
    session: SessionDep, principal: Publisher, data: ProductCreate, call: Idempotent
) -> ProductPublic:
    """Publish a loan product for the caller's lender; it is on offer at once."""
    product, lender = product_service.create(
        session, lender_id=lender_id_of(principal), data=data, actor=principal
    )
    return call.answer(ProductPublic.of(product, lender), status=201)


@router.get("/lender/products", response_model=ProductsPublic)
def list_own_products(
    session: SessionDep,
    principal: ProductManager,
    page: PageDep,
    filters: Annotated[OwnProductFilters, Query()],
) -> ProductsPublic:
    """The caller's lender's products, retired ones too, newest first; admin sees every lender's."""
    lender_id = None if principal.role is Role.ADMIN else lender_id_of(principal)
    rows, total = product_service.list_page(
        session, lender_id=lender_id, filters=filters, offset=page.offset, limit=page.limit
    )
    return ProductsPublic(data=[ProductPublic.of(p, lender) for p, lender in rows], count=total)


@router.get("/lender/products/{product_id}", response_model=ProductPublic, responses=NOT_FOUND)
def read_own_product(row: ManagedProduct) -> ProductPublic:
    """One of the caller's lender's products, whatever its status."""
    return ProductPublic.of(*row)


@router.patch(
    "/lender/products/{product_id}", response_model=ProductPublic, responses=CHANGE_PROBLEMS
)
def update_product(
    session: SessionDep,
    principal: Publisher,
    row: OwnProductForUpdate,
    data: ProductUpdate,
    call: Idempotent,
) -> ProductPublic:
    """Change an active product; fields left out keep their values (audited)."""
    product, lender = row
    product_service.update(session, product=product, data=data, actor=principal)
    return call.answer(ProductPublic.of(product, lender))


@router.post(
    "/lender/products/{product_id}/retire",
    response_model=ProductPublic,
    responses=CHANGE_PROBLEMS,
)
def retire_product(
    session: SessionDep,
    principal: Publisher,
    row: OwnProductForUpdate,
    call: Idempotent,
    data: Annotated[RetireRequest | None, Body()] = None,
) -> ProductPublic:
    """Take a product off offer for good (下架); it is kept, never deleted (audited)."""
    product, lender = row
    reason = data.reason if data is not None else None
    product_service.retire(session, product=product, actor=principal, reason=reason)
    return call.answer(ProductPublic.of(product, lender))


@router.get("/products", response_model=ProductsPublic)
def browse_products(
    session: SessionDep, page: PageDep, filters: Annotated[ProductFilters, Query()]
) -> ProductsPublic:
    """The product supermarket (金融产品超市): what is on offer, for anyone, newest first."""
    rows, total = product_service.browse(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    return ProductsPublic(data=[ProductPublic.of(p, lender) for p, lender in rows], count=total)


@router.get("/products/{product_id}", response_model=ProductPublic, responses=NOT_FOUND)
def read_product(row: BrowsableProduct) -> ProductPublic:
    """A product on offer; a retired one answers 404 except to its lender and staff."""
    return ProductPublic.of(*row)
