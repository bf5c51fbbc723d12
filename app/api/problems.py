"""One place that turns errors into RFC 9457 problem details with a stable ``code``."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import DomainError, ErrorKind
from app.core.idempotency import AlreadyAnswered
from app.core.logging import request_id_var

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
REPLAYED_HEADER = "Idempotent-Replayed"

# The one place a domain error's kind becomes an HTTP status and a problem title.
STATUS_BY_KIND: dict[ErrorKind, int] = {
    ErrorKind.REFUSED: 400,
    ErrorKind.INVALID_INPUT: 422,
    ErrorKind.NOT_AUTHENTICATED: 401,
    ErrorKind.PERMISSION_DENIED: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.TOO_MANY_ATTEMPTS: 429,
    ErrorKind.UNAVAILABLE: 503,
}
TITLE_BY_KIND: dict[ErrorKind, str] = {
    ErrorKind.REFUSED: "Request cannot be processed",
    ErrorKind.INVALID_INPUT: "Invalid input",
    ErrorKind.NOT_AUTHENTICATED: "Not authenticated",
    ErrorKind.PERMISSION_DENIED: "Forbidden",
    ErrorKind.NOT_FOUND: "Not found",
    ErrorKind.CONFLICT: "Conflict",
    ErrorKind.TOO_LARGE: "Upload too large",
    ErrorKind.TOO_MANY_ATTEMPTS: "Too Many Requests",
    ErrorKind.UNAVAILABLE: "Service Unavailable",
}
# Codes whose problem title says more than their kind's does.
TITLE_BY_CODE: dict[str, str] = {
    "idempotency_key_reused": "Idempotency key reused",
    "idempotency_key_in_progress": "Idempotency key in progress",
}


def status_of(error: DomainError | type[DomainError]) -> int:
    """The HTTP status a domain error (or error class) is answered with."""
    return STATUS_BY_KIND[error.kind]


def title_of(error: DomainError | type[DomainError]) -> str:
    """The problem title of a domain error (or error class)."""
    return TITLE_BY_CODE.get(error.code) or TITLE_BY_KIND[error.kind]


def headers_of(error: DomainError) -> dict[str, str]:
    """The HTTP headers a domain error's answer carries: ``Retry-After`` when it says when."""
    retry_after = error.extra.get("retry_after")
    return {} if retry_after is None else {"Retry-After": str(retry_after)}


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    request: Request,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"https://xinyidai.example/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
        "request_id": request_id_var.get(),
        **extra,
    }
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_schema(*codes: str) -> dict[str, Any]:
    """The OpenAPI description of a route's expected problem responses."""
    return {"content": {PROBLEM_JSON: {}}, "description": "Problem: " + ", ".join(codes)}


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        return problem(
            status=status_of(error),
            code=error.code,
            title=title_of(error),
            detail=error.detail,
            request=request,
            headers=headers_of(error),
            **error.extra,
        )

    @app.exception_handler(AlreadyAnswered)
    async def _replay(request: Request, answer: AlreadyAnswered) -> JSONResponse:
        # Not a problem: a retry under an Idempotency-Key gets the first answer, unchanged.
        headers = {REPLAYED_HEADER: "true"}
        return JSONResponse(answer.body, status_code=answer.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in error.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"])
        return problem(
            status=422,
            code="validation_error",
            title="Invalid request",
            detail=f"{where}: {first['msg']}" if where else str(first["msg"]),
            request=request,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(error.status_code).phrase
        code = phrase.lower().replace(" ", "_").replace("-", "_")
        return problem(
            status=error.status_code,
            code=code,
            title=phrase,
            detail=str(error.detail),
            request=request,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        # Only reached if the request middleware itself failed; it answers every other error.
        log_unexpected(request)
        return internal_error(request)


def log_unexpected(request: Request) -> None:
    """Log the exception being handled, with the request's path (and id, from the context)."""
    log.exception("unhandled error", extra={"path": request.url.path})


def internal_error(request: Request) -> JSONResponse:
    """The 500 problem: nothing of the error itself, only the request id to find its log lines."""
    return problem(
        status=500,
        code="internal_error",
        title="Internal Server Error",
        detail="the platform failed to answer; the request id identifies the log lines",
        request=request,
    )
