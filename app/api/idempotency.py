"""The ``Idempotency-Key`` header on state-changing routes (SPEC §6), as one dependency."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel
from sqlmodel import Session

from app.api.deps import CurrentPrincipal, SessionDep
from app.api.problems import problem_schema
from app.core import idempotency
from app.core.models import IdempotencyKey

Model = TypeVar("Model", bound=BaseModel)

# Declared on every route that takes the header, next to the route's own problems.
RESPONSES: dict[int | str, dict[str, Any]] = {
    409: problem_schema("idempotency_key_in_progress"),
    422: problem_schema("validation_error", "idempotency_key_reused"),
}


class IdempotentCall:
    """Handed to a route: ``answer`` keeps the route's answer under the caller's key, if any."""

    def __init__(self, session: Session, record: IdempotencyKey | None) -> None:
        self._session = session
        self._record = record

    def answer(self, result: Model, *, status: int = 200) -> Model:
        """Return ``result`` after writing it (as sent) onto the claimed key, if one was sent."""
        if self._record is not None:
            body = jsonable_encoder(result)
            idempotency.complete(self._session, self._record, status=status, body=body)
        return result


async def _raw_body(request: Request) -> bytes:
    return await request.body()  # Starlette keeps it: the route's body parameter reads it too


def idempotent_call(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    raw_body: Annotated[bytes, Depends(_raw_body)],
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=idempotency.KEY_MAX_LENGTH,
            pattern=idempotency.KEY_PATTERN,
            description=(
                "A key of your choosing (printable ASCII, at most 255 characters) that makes a "
                "retry safe: the same key and body within 24 hours return the first answer "
                "(with `Idempotent-Replayed: true`) and change nothing again; the same key "
                "with another body or route is refused (422 `idempotency_key_reused`). "
                "Keys are per bank. Refused calls are not kept, so their retry runs again."
            ),
        ),
    ] = None,
) -> IdempotentCall:
    """Claim the caller's key before the route's effect, or replay its first answer."""
    if key is None:
        return IdempotentCall(session, None)
    scope = f"lender:{principal.lender_id}" if principal.lender_id else principal.ref
    record = idempotency.claim(
        session,
        scope=scope,
        key=key,
        route=f"{request.method} {request.url.path}",
        request_hash=idempotency.body_hash(raw_body),
    )
    return IdempotentCall(session, record)


Idempotent = Annotated[IdempotentCall, Depends(idempotent_call)]
