"""管理员's pages, part two: 金融机构与密钥 — the lenders (list, register one) and, for a
lender, its API keys (list, issue one shown once, revoke).

The same services the API's ``/lenders`` and ``/lenders/{id}/api-keys`` routes call; a lender's
registration and every key issued or revoked is audited by those services. A new key is on
the answering page alone: the platform keeps only its digest.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.accounts.schemas import ApiKeyCreate
from app.api.deps import PageDep, SessionDep
from app.api.params import PathId
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required
from lenders.institutions import service as lender_service
from lenders.institutions.models import Lender
from lenders.institutions.schemas import LenderCreate

router = APIRouter(prefix="/admin/lenders")
LenderAdmin = Annotated[
    Principal, Depends(role_required(Role.ADMIN, refusal="只有管理员可以管理金融机构和接口密钥"))
]


def _list_page(
    request: Request,
    session: Session,
    viewer: Principal,
    page: Any,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows, total = lender_service.list_page(session, offset=page.offset, limit=page.limit)
    return render(
        request, "admin/lenders.html", viewer, status=status, rows=rows, total=total,
        page=page, values=values or {}, errors=errors or {},
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def lenders(
    request: Request, session: SessionDep, viewer: LenderAdmin, page: PageDep
) -> HTMLResponse:
    """金融机构: every lender by id, and the form that registers one."""
    return _list_page(request, session, viewer, page)


@router.post("", response_model=None, dependencies=[CsrfChecked])
def create_lender(
    request: Request,
    session: SessionDep,
    viewer: LenderAdmin,
    page: PageDep,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
) -> Response:
    """Register a lender, as ``POST /api/v1/lenders`` (audited ``lender.create``)."""
    values = {"code": code.strip(), "name": name.strip()}
    data, errors = forms.parse(LenderCreate, values)
    if data is None:
        return _list_page(request, session, viewer, page, values=values, errors=errors, status=422)
    try:
        lender = lender_service.create(session, data=data, actor=viewer)
    except DomainError as error:
        session.rollback()
        return _list_page(
            request, session, viewer, page, values=values,
            errors={"code": messages.for_error(error)}, status=409,
        )  # fmt: skip
    return RedirectResponse(f"/admin/lenders/{lender.id}", status_code=303)


def _detail_page(
    request: Request,
    session: Session,
    viewer: Principal,
    lender: Lender,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    shown_once: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    assert lender.id is not None
    return render(
        request, "admin/lender.html", viewer, status=status, lender=lender,
        keys=account_service.list_api_keys(session, lender_id=lender.id), now=utcnow(),
        values=values or {}, errors=errors or {}, shown_once=shown_once,
    )  # fmt: skip


@router.get("/{lender_id}", response_class=HTMLResponse)
def lender_detail(
    request: Request, session: SessionDep, viewer: LenderAdmin, lender_id: PathId
) -> HTMLResponse:
    """One lender with its API keys: prefix, name, created, last used, revoked."""
    lender = lender_service.get(session, lender_id=lender_id)
    return _detail_page(request, session, viewer, lender)


@router.post("/{lender_id}/api-keys", response_model=None, dependencies=[CsrfChecked])
def issue_api_key(
    request: Request,
    session: SessionDep,
    viewer: LenderAdmin,
    lender_id: PathId,
    name: Annotated[str, Form()] = "",
) -> Response:
    """Issue a key for the lender's systems, shown on this answer only (audited)."""
    lender = lender_service.get(session, lender_id=lender_id)
    values = {"name": name.strip()}
    data, errors = forms.parse(ApiKeyCreate, values)
    if data is None:
        return _detail_page(
            request, session, viewer, lender, values=values, errors=errors, status=422
        )
    _key, value = account_service.create_api_key(
        session, lender_id=lender_id, data=data, actor=viewer
    )
    return _detail_page(request, session, viewer, lender, shown_once=value)


@router.post(
    "/{lender_id}/api-keys/{key_id}/revoke", response_model=None, dependencies=[CsrfChecked]
)
def revoke_api_key(
    session: SessionDep, viewer: LenderAdmin, lender_id: PathId, key_id: PathId
) -> Response:
    """Revoke a key at once (another lender's key answers as a missing one; audited)."""
    lender_service.get(session, lender_id=lender_id)
    account_service.revoke_api_key(session, lender_id=lender_id, key_id=key_id, actor=viewer)
    return RedirectResponse(f"/admin/lenders/{lender_id}", status_code=303)
