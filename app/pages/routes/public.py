"""The pages everyone meets: the home page, signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import limits
from app.accounts import service as account_service
from app.api import problems
from app.api.client import client_address
from app.api.deps import SESSION_COOKIE, SessionDep, reads_first
from app.core import throttle
from app.core.config import get_settings
from app.core.errors import DomainError
from app.pages import navigation
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import Viewer, safe_next

router = APIRouter()


@router.get("/", response_class=HTMLResponse, response_model=None)
def home(request: Request, viewer: Viewer) -> Response:
    if viewer is not None and navigation.home_of(viewer) != "/":
        return RedirectResponse(navigation.home_of(viewer), status_code=303)
    return render(request, "home.html", viewer)


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, viewer: Viewer, next: str | None = None, expired: str | None = None
) -> HTMLResponse:
    return render(request, "login.html", viewer, next=safe_next(next), expired=expired is not None)


@router.post("/login", response_model=None, dependencies=[CsrfChecked])
@reads_first  # Argon2 runs before any write: it must not hold SQLite's write lock
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=150)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    back = safe_next(next)
    guards, resets = limits.login_guards(username=username, address=client_address(request))
    try:
        with throttle.counting_failures(session, guards=guards, reset_on_success=resets):
            user = account_service.authenticate(session, username=username, password=password)
    except throttle.Throttled as error:
        locked = render(
            request, "login.html", None, status=429, locked=error.detail, username=username,
            next=back,
        )  # fmt: skip
        locked.headers.update(problems.headers_of(error))
        return locked
    except DomainError:
        return render(
            request, "login.html", None, status=401, failed=True, username=username, next=back
        )
    principal = account_service.principal_for_user(user)
    response = RedirectResponse(back or navigation.home_of(principal), status_code=303)
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


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    if token := request.cookies.get(SESSION_COOKIE):
        account_service.revoke_token(session, token=token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
