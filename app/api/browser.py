"""What browsers need from every response: security headers, and no cross-site cookie writes."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem

# The pages and the API load only their own files; /docs widens this for its one inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class SecurityHeadersMiddleware:
    """Add CSP, frame, sniffing and referrer headers (and HSTS when asked) to every response."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
            **({"Strict-Transport-Security": HSTS} if hsts else {}),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:  # a route's own policy (e.g. /docs) wins
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CrossSiteWriteGuard:
    """Refuse a state-changing request that rides the session cookie from another origin.

    Browsers attach cookies to cross-site requests; they send ``Origin`` (or at least
    ``Referer``) with them, which a page on another site cannot forge. Callers that send a
    bearer token or an API key are not using the cookie and pass untouched.
    """

    def __init__(self, app: ASGIApp, *, cookie: str) -> None:
        self.app = app
        self.cookie = cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            request = Request(scope)
            if self._rides_cookie(request) and not _same_origin(request.headers):
                response = problem(
                    status=403,
                    code="cross_site_request",
                    title="Cross-site request refused",
                    detail="跨站请求被拒绝：使用登录 Cookie 的写操作必须来自本站页面",
                    request=request,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _rides_cookie(self, request: Request) -> bool:
        headers = request.headers
        if headers.get("authorization") or headers.get("x-api-key"):
            return False
        return self.cookie in request.cookies


def _same_origin(headers: Headers) -> bool:
    # Without Origin and Referer the caller is not a browser page (or an old one, which the
    # SameSite=Lax cookie already keeps from sending it cross-site).
    source = headers.get("origin") or headers.get("referer")
    if source is None:
        return True
    origin = _authority(source)
    host = _authority(f"http://{headers.get('host', '')}", scheme=urlsplit(source).scheme)
    return origin is not None and origin == host


def _authority(url: str, *, scheme: str | None = None) -> str | None:
    """``host:port`` of ``url`` with the default port spelled out; None when unparsable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.scheme not in DEFAULT_PORTS:
        return None
    return f"{parts.hostname}:{port or DEFAULT_PORTS[scheme or parts.scheme]}"
