"""Loan products (金融产品): a lender publishes, edits and retires its own; anyone browses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import (
    SESSION_COOKIE,
    PageDep,
    SessionDep,
    api_key_scheme,
    get_principal,
    oauth2_scheme,
    require_roles,
)
from app.api.idempotency import Idempotent
from app.api.params import PathId
from app.api.problems import problem_schema
from app.core.errors import PermissionDenied
from lenders.institutions.models import Lender
from lenders.products import service as product_service
from lenders.products.exceptions import ProductNotFound
from lenders.products.models import LoanProduct, ProductStatus
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
Publisher = Annotated[Principal, Depends(require_roles(Role.LENDER_USER, Role.LENDER_CLIENT))]
ProductManager = Annotated[
    Principal, Depends(require_roles(Role.LENDER_USER, Role.LENDER_CLIENT, Role.ADMIN))
]
# Retired products stay readable by the staff who supervise the platform.
STAFF = (Role.ADMIN, Role.OFFICE)

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


def get_optional_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal | None:
    """The caller if it sent credentials (bad ones are still 401), None when anonymous."""
    if not (api_key or token or request.cookies.get(SESSION_COOKIE)):
        return None
    return get_principal(request, session, token, api_key)


OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]


def _lender_of(principal: Principal) -> int:
    if principal.lender_id is None:  # the users table forbids it; a clear error all the same
        raise PermissionDenied("this account is not bound to a lender")
    return principal.lender_id


def _missing(product_id: int) -> ProductNotFound:
    # Another bank's product answers exactly as a missing one: ids reveal nothing.
    return ProductNotFound(f"product {product_id} does not exist")


def get_managed_product(
    session: SessionDep, principal: ProductManager, product_id: PathId
) -> tuple[LoanProduct, Lender]:
    """A product the caller manages: its own lender's, or any for admin (read-only)."""
    product, lender = product_service.get(session, product_id=product_id)
    if principal.role is not Role.ADMIN and product.lender_id != _lender_of(principal):
        raise _missing(product_id)
    return product, lender


def get_own_product(
    session: SessionDep, principal: Publisher, product_id: PathId
) -> tuple[LoanProduct, Lender]:
    """The caller's lender's product, locked until the request commits: only it changes it."""
    product, lender = product_service.get(session, product_id=product_id, for_update=True)
    if product.lender_id != _lender_of(principal):
        raise _missing(product_id)
    return product, lender


def get_browsable_product(
    session: SessionDep, principal: OptionalPrincipal, product_id: PathId
) -> tuple[LoanProduct, Lender]:
    """A product on offer for anyone; a retired one only for its lender and staff."""
    product, lender = product_service.get(session, product_id=product_id)
    if product.status is ProductStatus.ACTIVE and lender.is_active:
        return product, lender
    if principal is not None and (
        principal.role in STAFF or principal.is_lender(product.lender_id)
    ):
        return product, lender
    raise _missing(product_id)


ManagedProduct = Annotated[tuple[LoanProduct, Lender], Depends(get_managed_product)]
OwnProduct = Annotated[tuple[LoanProduct, Lender], Depends(get_own_product)]
BrowsableProduct = Annotated[tuple[LoanProduct, Lender], Depends(get_browsable_product)]


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
        session, lender_id=_lender_of(principal), data=data, actor=principal
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
    lender_id = None if principal.role is Role.ADMIN else _lender_of(principal)
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
    row: OwnProduct,
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
    row: OwnProduct,
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
