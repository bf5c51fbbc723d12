"""Sign-in (OAuth2 password flow, so /docs can log in), throttled per user name and address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app.accounts import limits
from app.accounts import service as account_service
from app.accounts.schemas import PasswordChange, PrincipalPublic, Token
from app.api.client import client_address
from app.api.deps import SESSION_COOKIE, CurrentPrincipal, SessionDep, oauth2_scheme, reads_first
from app.api.problems import problem_schema
from app.core import throttle
from app.core.config import get_settings

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    response_model=Token,
    responses={
        401: problem_schema("invalid_credentials"),
        429: problem_schema("too_many_attempts"),
    },
)
@reads_first  # Argon2 runs before any write: it must not hold SQLite's write lock
def login(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> Token:
    """Exchange a username and password for a short-lived access token."""
    guards, resets = limits.login_guards(username=form.username, address=client_address(request))
    with throttle.counting_failures(session, guards=guards, reset_on_success=resets):
        user = account_service.authenticate(session, username=form.username, password=form.password)
    return Token(
        access_token=account_service.issue_token(user),
        expires_in=get_settings().security.access_token_minutes * 60,
    )


@router.get(
    "/me", response_model=PrincipalPublic, responses={401: problem_schema("not_authenticated")}
)
def me(principal: CurrentPrincipal) -> PrincipalPublic:
    """Who the caller is, and what it is bound to."""
    return PrincipalPublic(
        kind=principal.kind,
        id=principal.id,
        role=principal.role,
        name=principal.name,
        lender_id=principal.lender_id,
        uscc=principal.uscc,
    )


@router.post("/auth/logout", status_code=204, responses={401: problem_schema("not_authenticated")})
def logout(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Response:
    """Sign out: the caller's access token (bearer or page cookie) is refused from now on."""
    raw = token or request.cookies.get(SESSION_COOKIE)
    if principal.kind == "user" and raw:
        account_service.revoke_token(session, token=raw)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post(
    "/me/password",
    status_code=204,
    responses={
        401: problem_schema("not_authenticated"),
        403: problem_schema("forbidden"),
        422: problem_schema("wrong_password", "weak_password", "validation_error"),
        429: problem_schema("too_many_attempts"),
    },
)
@reads_first  # Argon2 runs before any write: it must not hold SQLite's write lock
def change_password(
    request: Request, session: SessionDep, principal: CurrentPrincipal, data: PasswordChange
) -> Response:
    """Change the caller's own password; a wrong current password counts as a failed sign-in."""
    account_service.change_own_password(
        session,
        principal,
        current=data.current_password,
        new=data.new_password,
        address=client_address(request),
    )
    return Response(status_code=204)
