"""Server-rendered pages in Chinese. Each page calls the same services as its API route."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app.accounts import limits
from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api import problems
from app.api.client import client_address
from app.api.deps import SESSION_COOKIE, PageDep, SessionDep, reads_first
from app.consent import service as consent_service
from app.core import throttle
from app.core.clock import to_local
from app.core.config import get_settings
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.money import fen_to_yuan
from app.enterprises import service as enterprise_service
from app.enterprises.divisions import district_name
from app.enterprises.industry import SECTIONS
from app.enterprises.schemas import EnterpriseFilters
from app.pages import labels
from scoring.model.scale import GRADE_NAMES
from scoring.scores import repository as score_repository

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(labels=labels, district_name=district_name, sections=SECTIONS)
templates.env.filters["local"] = lambda t: to_local(t).strftime("%Y-%m-%d %H:%M") if t else "—"
templates.env.filters["yuan"] = lambda f: "—" if f is None else f"{fen_to_yuan(f):,}"

router = APIRouter(include_in_schema=False)
REGISTRY_ROLES = (Role.OFFICE, Role.ADMIN, Role.DATA_OPERATOR)


def page_principal(request: Request, session: SessionDep) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    return account_service.principal_from_token(session, token=token) if token else None


Viewer = Annotated[Principal | None, Depends(page_principal)]


def render(
    request: Request, name: str, viewer: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {"viewer": viewer, **context}, status_code=status
    )


def error_page(request: Request, viewer: Principal | None, error: DomainError) -> HTMLResponse:
    status = problems.status_of(error)
    return render(request, "error.html", viewer, status=status, error=error, error_status=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, viewer: Viewer) -> HTMLResponse:
    return render(request, "home.html", viewer)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, viewer: Viewer) -> HTMLResponse:
    return render(request, "login.html", viewer)


@router.post("/login", response_model=None)
@reads_first  # Argon2 runs before any write: it must not hold SQLite's write lock
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    guards, resets = limits.login_guards(username=username, address=client_address(request))
    try:
        with throttle.counting_failures(session, guards=guards, reset_on_success=resets):
            user = account_service.authenticate(session, username=username, password=password)
    except throttle.Throttled as error:
        locked = render(
            request, "login.html", None, status=429, locked=error.detail, username=username
        )
        locked.headers.update(problems.headers_of(error))
        return locked
    except DomainError:
        return render(request, "login.html", None, status=401, failed=True, username=username)
    response = RedirectResponse("/", status_code=303)
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        account_service.issue_token(user),
        httponly=True,
        samesite="lax",
        secure=not settings.is_development,
        max_age=settings.security.access_token_minutes * 60,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    if token := request.cookies.get(SESSION_COOKIE):
        account_service.revoke_token(session, token=token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/enterprises", response_class=HTMLResponse, response_model=None)
def enterprise_list(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    page: PageDep,
    filters: Annotated[EnterpriseFilters, Depends()],
) -> Response:
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    if viewer.role not in REGISTRY_ROLES:
        return error_page(
            request, viewer, PermissionDenied("只有金融办、数据运维和管理员可以查看企业库")
        )
    rows, total = enterprise_service.list_page(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    return render(
        request, "enterprises.html", viewer, rows=rows, total=total, page=page, filters=filters
    )


@router.get("/enterprises/{uscc}", response_class=HTMLResponse, response_model=None)
def enterprise_detail(request: Request, session: SessionDep, viewer: Viewer, uscc: str) -> Response:
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    code = uscc.strip().upper()
    if viewer.role not in REGISTRY_ROLES and not viewer.is_enterprise(code):
        return error_page(request, viewer, NotFound("没有找到该企业"))
    try:
        enterprise = enterprise_service.get(session, code=code)
        consent_service.authorize_read(session, uscc=code, reader=viewer, what="profile")
    except DomainError as error:
        return error_page(request, viewer, error)
    score = score_repository.latest_for(session, uscc=enterprise.uscc)
    return render(
        request, "enterprise.html", viewer, e=enterprise, score=score, grade_names=GRADE_NAMES
    )
