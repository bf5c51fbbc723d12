"""管理员's pages: the accounts (list, create, disable and enable, reset a password) and the
audit log with filters. Each page calls the service its API route (``app/api/routes/users.py``)
calls; the audit log is read through ``app.audit.service.search``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.accounts.schemas import UserCreate, UserUpdate
from app.api.deps import PageDep, SessionDep
from app.api.params import PathId
from app.audit import service as audit_service
from app.audit.schemas import AuditFilters
from app.core.errors import DomainError
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required

router = APIRouter(prefix="/admin")
AdminViewer = Annotated[
    Principal, Depends(role_required(Role.ADMIN, refusal="只有管理员可以管理账户和查看审计日志"))
]
USER_FIELDS = ("username", "display_name", "password", "role", "uscc", "lender_id")
AUDIT_FILTERS = ("actor", "action", "subject_type", "subject_id", "since", "until")
# Roles a person's account may have (bank systems use API keys, not accounts).
ACCOUNT_ROLES = [role for role in Role if role is not Role.LENDER_CLIENT]


@router.get("/users", response_class=HTMLResponse)
def users(
    request: Request, session: SessionDep, viewer: AdminViewer, page: PageDep
) -> HTMLResponse:
    rows, total = account_service.list_users(session, offset=page.offset, limit=page.limit)
    return render(request, "admin/users.html", viewer, rows=rows, total=total, page=page)


def _user_form(
    request: Request,
    viewer: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "admin/user_new.html",
        viewer,
        status=status,
        values=values or {},
        errors=errors or {},
        roles=ACCOUNT_ROLES,
    )


@router.get("/users/new", response_class=HTMLResponse)
def new_user(request: Request, viewer: AdminViewer) -> HTMLResponse:
    return _user_form(request, viewer)


@router.post("/users", response_model=None, dependencies=[CsrfChecked])
async def create_user(request: Request, session: SessionDep, viewer: AdminViewer) -> Response:
    """Create an account, as ``POST /api/v1/users``; audited by the service."""
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in USER_FIELDS}
    data, errors = forms.parse(UserCreate, values)
    values.pop("password")  # never shown back
    if data is None:
        return _user_form(request, viewer, values=values, errors=errors, status=422)
    try:
        user = account_service.create_user(session, data=data, actor=viewer)
    except DomainError as error:
        session.rollback()
        errors = {"": messages.for_error(error)}
        return _user_form(request, viewer, values=values, errors=errors, status=422)
    return RedirectResponse(f"/admin/users?created={user.id}", status_code=303)


@router.post("/users/{user_id}/active", response_model=None, dependencies=[CsrfChecked])
async def set_active(
    request: Request, session: SessionDep, viewer: AdminViewer, user_id: PathId
) -> Response:
    """Disable or enable an account, as ``PATCH /api/v1/users/{id}``; never one's own."""
    form = await request.form()
    data, _errors = forms.parse(UserUpdate, {"is_active": form.get("is_active", "")})
    if data is None or data.is_active is None:
        return render(
            request, "error.html", viewer, status=422, error_title="填写有误",
            message="请选择启用或停用", request_id=None,
        )  # fmt: skip
    if user_id == viewer.id and not data.is_active:
        return render(
            request, "error.html", viewer, status=409, error_title="无法办理",
            message="不能停用自己的账户", request_id=None,
        )  # fmt: skip
    account_service.update_user(
        session, user_id=user_id, data=UserUpdate(is_active=data.is_active), actor=viewer
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/password-reset", response_model=None, dependencies=[CsrfChecked])
def reset_password(
    request: Request, session: SessionDep, viewer: AdminViewer, user_id: PathId
) -> Response:
    """A temporary password for the user, shown on this answer once, as
    ``POST /api/v1/users/{id}/password-reset``; the user's sessions are signed out."""
    user, temporary = account_service.reset_password(session, user_id=user_id, actor=viewer)
    response = render(
        request, "admin/password_reset.html", viewer, user=user, temporary_password=temporary
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, session: SessionDep, viewer: AdminViewer, page: PageDep
) -> HTMLResponse:
    """审计日志: any subset of actor, action, subject and the days from and to."""
    asked = {name: request.query_params.get(name, "").strip() for name in AUDIT_FILTERS}
    filters, errors = forms.parse(AuditFilters, asked)
    rows: Any = []
    total = 0
    if filters is not None:
        rows, total = audit_service.search(
            session, filters=filters, offset=page.offset, limit=page.limit
        )
    names = account_service.actor_names(session, [row.actor for row in rows])
    query = "".join(f"&{k}={quote(v, safe='')}" for k, v in asked.items() if v)
    return render(
        request, "admin/audit.html", viewer, status=200 if filters is not None else 422,
        rows=rows, total=total, page=page, values=asked, errors=errors, names=names, query=query,
    )  # fmt: skip
