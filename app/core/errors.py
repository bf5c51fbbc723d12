"""Domain errors. Services raise these; one place (``app.api.problems``) maps them to HTTP."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """An expected failure with a stable machine-readable code and a message for people."""

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Request cannot be processed"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    code = "not_found"
    status = 404
    title = "Not found"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = "Conflict"


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    title = "Invalid input"


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    title = "Not authenticated"


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
    title = "Forbidden"
