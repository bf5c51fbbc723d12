"""The bank's portal, part three: its loan products (信贷产品): list, publish, edit, retire.

The same loaders and services as the API's ``/lender/products`` routes: another bank's product
answers exactly as a missing one; a refused change leaves the product as it was.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.api.owned import get_managed_product, get_own_product_for_update, lender_id_of
from app.api.params import PathId
from app.applications.models import PRODUCT_TYPE_LABELS
from app.core.config import get_settings
from app.core.errors import DomainError
from app.pages import forms
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.routes.bank import BankViewer, bp_to_percent, failure, parse_with_rates
from lenders.products import service as product_service
from lenders.products.models import PRODUCT_STATUS_LABELS, LoanProduct, ProductStatus
from lenders.products.schemas import (
    GRADES,
    OwnProductFilters,
    ProductCreate,
    ProductUpdate,
    RetireRequest,
)

router = APIRouter(prefix="/bank")
TEXT_FIELDS = (
    "product_type", "name", "description", "min_amount_yuan", "max_amount_yuan",
    "min_term_months", "max_term_months", "min_rate_percent", "max_rate_percent",
    "min_operating_months",
)  # fmt: skip
LIST_FIELDS = ("grades", "industry_sections", "districts", "entity_types")
FLAGS = ("green", "tech", "fund_eligible")
RATES = {"min_rate_percent": "min_rate_bp", "max_rate_percent": "max_rate_bp"}


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def values_of(product: LoanProduct) -> dict[str, Any]:
    """A product as its form shows it: yuan strings, percentages, the rule lists."""
    return {
        "product_type": product.product_type.value,
        "name": product.name,
        "description": product.description,
        "min_amount_yuan": _yuan(product.min_amount_fen),
        "max_amount_yuan": _yuan(product.max_amount_fen),
        "min_term_months": str(product.min_term_months),
        "max_term_months": str(product.max_term_months),
        "min_rate_percent": bp_to_percent(product.min_rate_bp),
        "max_rate_percent": bp_to_percent(product.max_rate_bp),
        "min_operating_months": str(product.min_operating_months),
        **{name: list(getattr(product, name)) for name in LIST_FIELDS},
        **{name: getattr(product, name) for name in FLAGS},
    }


def form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {name: str(form.get(name, "") or "") for name in TEXT_FIELDS}
    for name in LIST_FIELDS:
        values[name] = [str(v) for v in form.getlist(name) if v]
    for name in FLAGS:
        values[name] = form.get(name) == "on"
    return values


def _form_page(
    request: Request,
    viewer: Principal,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    product: LoanProduct | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request, "bank/product.html", viewer, status=status, product=product, values=values,
        errors=errors or {}, product_types=PRODUCT_TYPE_LABELS, grades=GRADES,
        districts=sorted(get_settings().city.districts), statuses=PRODUCT_STATUS_LABELS,
        ProductStatus=ProductStatus,
    )  # fmt: skip


@router.get("/products", response_class=HTMLResponse)
def product_list(
    request: Request, session: SessionDep, viewer: BankViewer, page: PageDep
) -> HTMLResponse:
    """信贷产品: the bank's products, retired ones too, newest first."""
    asked = request.query_params.get("status", "")
    filters, errors = forms.parse(OwnProductFilters, {"status": asked})
    if filters is None:
        filters = OwnProductFilters()
    rows, total = product_service.list_page(
        session, lender_id=lender_id_of(viewer), filters=OwnProductFilters(status=filters.status),
        offset=page.offset, limit=page.limit,
    )  # fmt: skip
    return render(
        request, "bank/products.html", viewer, rows=[p for p, _lender in rows], total=total,
        page=page, errors=errors, chosen=filters.status.value if filters.status else "",
        statuses=PRODUCT_STATUS_LABELS, product_types=PRODUCT_TYPE_LABELS,
        query=f"&status={quote(filters.status.value)}" if filters.status else "",
        bp_to_percent=bp_to_percent,
    )  # fmt: skip


@router.get("/products/new", response_class=HTMLResponse)
def new_product(request: Request, viewer: BankViewer) -> HTMLResponse:
    return _form_page(request, viewer, values={"min_operating_months": "0"})


@router.post("/products", response_model=None, dependencies=[CsrfChecked])
async def publish_product(request: Request, session: SessionDep, viewer: BankViewer) -> Response:
    """发布产品: on offer at once (product_service.create, as the API)."""
    values = form_values(await request.form())
    data, errors = parse_with_rates(ProductCreate, values, RATES)
    if data is None:
        return _form_page(request, viewer, values=values, errors=errors, status=422)
    try:
        product, _lender = product_service.create(
            session, lender_id=lender_id_of(viewer), data=data, actor=viewer
        )
    except DomainError as error:
        status, text = failure(session, error)
        return _form_page(request, viewer, values=values, errors={"": text}, status=status)
    return RedirectResponse(f"/bank/products/{product.id}", status_code=303)


@router.get("/products/{product_id}", response_class=HTMLResponse)
def product_detail(
    request: Request, session: SessionDep, viewer: BankViewer, product_id: PathId
) -> HTMLResponse:
    """One product of the bank's, its rules in an edit form while it is on offer."""
    product, _lender = get_managed_product(session, viewer, product_id)
    return _form_page(request, viewer, values=values_of(product), product=product)


def _refused(
    request: Request,
    session: Session,
    viewer: Principal,
    product_id: int,
    values: dict[str, Any] | None,
    errors: dict[str, str],
    status: int,
) -> HTMLResponse:
    product, _lender = get_managed_product(session, viewer, product_id)
    return _form_page(
        request, viewer, values=values or values_of(product), errors=errors, product=product,
        status=status,
    )  # fmt: skip


@router.post("/products/{product_id}", response_model=None, dependencies=[CsrfChecked])
async def edit_product(
    request: Request, session: SessionDep, viewer: BankViewer, product_id: PathId
) -> Response:
    """修改规则: every field of the form (product_service.update, as the API; audited)."""
    product, _lender = get_own_product_for_update(session, viewer, product_id)
    values = form_values(await request.form())
    data, errors = parse_with_rates(ProductUpdate, values, RATES)
    if data is None:
        return _refused(request, session, viewer, product_id, values, errors, 422)
    try:
        product_service.update(session, product=product, data=data, actor=viewer)
    except DomainError as error:
        status, text = failure(session, error)
        return _refused(request, session, viewer, product_id, values, {"": text}, status)
    return RedirectResponse(f"/bank/products/{product_id}", status_code=303)


@router.post("/products/{product_id}/retire", response_model=None, dependencies=[CsrfChecked])
async def retire_product(
    request: Request, session: SessionDep, viewer: BankViewer, product_id: PathId
) -> Response:
    """下架: off offer for good, kept for the record (product_service.retire, as the API)."""
    product, _lender = get_own_product_for_update(session, viewer, product_id)
    form = await request.form()
    data, errors = forms.parse(RetireRequest, {"reason": str(form.get("reason", "") or "")})
    if data is None:
        errors = {"reason": errors.get("reason", next(iter(errors.values())))}
        return _refused(request, session, viewer, product_id, None, errors, 422)
    try:
        product_service.retire(session, product=product, actor=viewer, reason=data.reason)
    except DomainError as error:
        status, text = failure(session, error)
        return _refused(request, session, viewer, product_id, None, {"": text}, status)
    return RedirectResponse(f"/bank/products/{product_id}", status_code=303)
