"""Domain errors. Services raise these; one place (``app.api.problems``) maps them to HTTP."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorKind(StrEnum):
    """What sort of failure an error is, in the domain's words; not an HTTP status."""

    REFUSED = "refused"  # the request cannot be processed as asked, for no more specific reason
    INVALID_INPUT = "invalid_input"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    UNAVAILABLE = "unavailable"


class DomainError(Exception):
    """An expected failure with a stable machine-readable code, a kind and a message for people."""

    code: ClassVar[str] = "domain_error"
    kind: ClassVar[ErrorKind] = ErrorKind.REFUSED

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    code = "not_found"
    kind = ErrorKind.NOT_FOUND


class Conflict(DomainError):
    code = "conflict"
    kind = ErrorKind.CONFLICT


class InvalidInput(DomainError):
    code = "invalid_input"
    kind = ErrorKind.INVALID_INPUT


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    kind = ErrorKind.NOT_AUTHENTICATED


class PermissionDenied(DomainError):
    code = "forbidden"
    kind = ErrorKind.PERMISSION_DENIED
