"""CSRF tokens for the pages' forms: a signed double-submit cookie (OWASP).

The browser keeps a random value in an HttpOnly cookie; every form carries the HMAC of that
value under the platform's secret key. Another site can make the browser send the cookie but
can neither read it nor compute the token, so a forged form post fails. The cookie outlives
sign-in and sign-out, so a login form served before sign-in still posts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Depends, Request
from fastapi.responses import Response

from app.core.config import get_settings
from app.core.errors import DomainError, ErrorKind

COOKIE = "xyd_csrf"
FIELD = "csrf_token"
_STATE = "xyd_csrf_cookie"


class CsrfRejected(DomainError):
    code = "csrf_rejected"
    kind = ErrorKind.PERMISSION_DENIED


def token_of(value: str) -> str:
    """The form token for the browser whose CSRF cookie holds ``value``."""
    key = get_settings().security.secret_key.encode()
    return hmac.new(key, b"csrf:" + value.encode(), hashlib.sha256).hexdigest()


def token_for(request: Request) -> tuple[str, str | None]:
    """The form token for this browser, and the cookie value to set if it has none yet."""
    value = request.cookies.get(COOKIE) or getattr(request.state, _STATE, None)
    if value:
        return token_of(value), None
    value = secrets.token_urlsafe(32)
    setattr(request.state, _STATE, value)  # a second form on the same page gets the same one
    return token_of(value), value


def set_cookie(response: Response, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=not get_settings().is_development,
        path="/",
    )


def is_valid(request: Request, token: str | None) -> bool:
    value = request.cookies.get(COOKIE)
    if not value or not token:
        return False
    return hmac.compare_digest(token_of(value), token)


async def require_token(request: Request) -> None:
    """Dependency of every page form post: refuse it unless its token matches the cookie."""
    form = await request.form()
    token = form.get(FIELD)
    if not is_valid(request, token if isinstance(token, str) else None):
        raise CsrfRejected("表单已过期或来源不明，请刷新页面后重新提交")


# What every page form post lists in its route's ``dependencies``.
CsrfChecked = Depends(require_token)
