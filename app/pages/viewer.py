"""Who is looking at a page: the signed-in person, or a visitor to send to the login page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import SESSION_COOKIE, SessionDep
from app.core.errors import PermissionDenied


class SignInRequired(Exception):
    """The page needs a signed-in person; answered by a redirect to the login page."""

    def __init__(self, *, next_url: str, expired: bool) -> None:
        super().__init__(next_url)
        self.next_url, self.expired = next_url, expired

    def login_url(self) -> str:
        query = "next=" + quote(self.next_url, safe="/")
        return "/login?" + query + ("&expired=1" if self.expired else "")


def page_principal(request: Request, session: SessionDep) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    return account_service.principal_from_token(session, token=token) if token else None


Viewer = Annotated[Principal | None, Depends(page_principal)]


def safe_next(value: str | None) -> str | None:
    """A return address that stays on this site: a path, never ``//host`` or a scheme."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(c) < 32 for c in value):
        return None
    return value


def signed_in(request: Request, viewer: Viewer) -> Principal:
    if viewer is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(next_url=here, expired=SESSION_COOKIE in request.cookies)
    return viewer


SignedIn = Annotated[Principal, Depends(signed_in)]


def role_required(*roles: Role, refusal: str) -> Callable[[Principal], Principal]:
    """A dependency admitting only ``roles``; others see ``refusal`` on a 403 page."""

    def check(viewer: SignedIn) -> Principal:
        if viewer.role not in roles:
            raise PermissionDenied(refusal)
        return viewer

    return check


EnterpriseViewer = Annotated[
    Principal, Depends(role_required(Role.ENTERPRISE, refusal="该页面仅供企业用户使用"))
]
