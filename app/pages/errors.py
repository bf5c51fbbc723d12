"""Errors on page routes answered as Chinese pages; the API keeps its problem+json answers.

A request is a page request unless it is for the API (``/api/``), the operations endpoints or
the vendored files: a mistyped page address gets a Chinese 404 page, a mistyped API address
a problem document.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api import problems
from app.api.deps import SESSION_COOKIE
from app.core.errors import DomainError, ErrorKind
from app.core.logging import request_id_var
from app.pages import messages
from app.pages.rendering import render
from app.pages.viewer import SignInRequired

NOT_PAGES = ("/api/", "/docs", "/openapi.json", "/static/", "/healthz", "/metrics")
Handler = Callable[[Request, Any], Awaitable[Response]]


def is_page_request(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES)


def error_page(
    request: Request, *, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The Chinese error page; it knows nobody (no session lookup may fail twice)."""
    page = render(
        request,
        "error.html",
        None,
        status=status,
        error_title=messages.title_for(status),
        message=message,
        request_id=request_id_var.get() if status >= 500 else None,
    )
    page.headers.update(headers or {})
    return page


def _sign_in(request: Request, error: SignInRequired) -> Response:
    response = RedirectResponse(error.login_url(), status_code=303)
    if error.expired:
        response.delete_cookie(SESSION_COOKIE)
    return response


def install(app: FastAPI) -> None:
    """Wrap the API's handlers (``problems.install``, called first) with page answers."""
    api: dict[Any, Handler] = dict(app.exception_handlers)

    def pages_or_api(kind: Any, on_page: Callable[[Request, Any], Response]) -> None:
        async def handle(request: Request, error: Any) -> Response:
            if is_page_request(request):
                return on_page(request, error)
            return await api[kind](request, error)

        app.add_exception_handler(kind, handle)

    def domain(request: Request, error: DomainError) -> Response:
        if error.kind is ErrorKind.NOT_AUTHENTICATED:
            return _sign_in(request, SignInRequired(next_url=request.url.path, expired=True))
        return error_page(
            request,
            status=problems.status_of(error),
            message=messages.for_error(error),
            headers=problems.headers_of(error),
        )

    def validation(request: Request, _error: RequestValidationError) -> Response:
        return error_page(request, status=422, message=messages.STATUS_MESSAGE[422])

    def http(request: Request, error: StarletteHTTPException) -> Response:
        status = error.status_code
        message = messages.STATUS_MESSAGE.get(status, messages.title_for(status))
        return error_page(request, status=status, message=message)

    pages_or_api(DomainError, domain)
    pages_or_api(RequestValidationError, validation)
    pages_or_api(StarletteHTTPException, http)
    app.add_exception_handler(SignInRequired, _sign_in_handler)


async def _sign_in_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInRequired)
    return _sign_in(request, error)


def internal_error(request: Request) -> Response:
    """The answer to an unexpected error: a Chinese page with the request id, or the problem."""
    if is_page_request(request):
        try:
            return error_page(request, status=500, message=messages.STATUS_MESSAGE[500])
        except Exception:  # the page itself failed: the plain problem still answers
            problems.log_unexpected(request)
    return problems.internal_error(request)
