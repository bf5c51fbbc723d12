"""A bank's webhook (URL and signing secrets) and its events feed, for its people and systems."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import SessionDep, require_roles
from app.api.idempotency import Idempotent
from app.api.owned import lender_id_of
from app.api.params import PathId
from app.api.problems import problem_schema
from app.core.clock import utcnow
from lenders.delivery import feed, webhooks
from lenders.delivery.schemas import (
    EventEnvelope,
    EventsPage,
    WebhookPublic,
    WebhookSecretCreated,
    WebhookSecretPublic,
    WebhookUpdate,
)
from lenders.institutions import service as lender_service

router = APIRouter(prefix="/lender", tags=["webhooks"])

# Only the bank itself: its users and its systems (API keys). Staff see deliveries elsewhere.
BankCaller = Annotated[Principal, Depends(require_roles(Role.LENDER_USER, Role.LENDER_CLIENT))]

FORBIDDEN: dict[int | str, dict[str, Any]] = {403: problem_schema("forbidden")}
CHANGE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **FORBIDDEN,
    409: problem_schema("idempotency_key_in_progress"),
    422: problem_schema("validation_error", "invalid_webhook_url", "idempotency_key_reused"),
}
SECRET_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **FORBIDDEN,
    404: problem_schema("webhook_secret_not_found"),
    409: problem_schema(
        "too_many_webhook_secrets", "webhook_secret_not_active", "idempotency_key_in_progress"
    ),
    422: problem_schema("validation_error", "idempotency_key_reused"),
}


def _webhook(session: SessionDep, lender_id: int) -> WebhookPublic:
    now = utcnow()
    endpoint = webhooks.get_endpoint(session, lender_id=lender_id)
    secrets = [
        WebhookSecretPublic.of(s, now=now)
        for s in webhooks.list_secrets(session, lender_id=lender_id)
    ]
    url = endpoint.url if endpoint else None
    return WebhookPublic(
        url=url,
        updated_at=endpoint.updated_at if endpoint else None,
        secrets=secrets,
        push_enabled=bool(url) and any(s.active for s in secrets),
    )


@router.get("/webhook", response_model=WebhookPublic, responses=FORBIDDEN)
def read_webhook(session: SessionDep, principal: BankCaller) -> WebhookPublic:
    """The bank's webhook URL and its secrets' ids and dates (never their values)."""
    return _webhook(session, lender_id_of(principal))


@router.put("/webhook", response_model=WebhookPublic, responses=CHANGE_PROBLEMS)
def set_webhook(
    session: SessionDep, principal: BankCaller, data: WebhookUpdate, call: Idempotent
) -> WebhookPublic:
    """Set the URL events are pushed to (https to a public address; null: pull only; audited)."""
    lender_id = lender_id_of(principal)
    webhooks.set_url(session, lender_id=lender_id, url=data.url, actor=principal)
    return call.answer(_webhook(session, lender_id))


@router.post(
    "/webhook/secrets",
    response_model=WebhookSecretCreated,
    status_code=201,
    responses=SECRET_PROBLEMS,
)
def create_webhook_secret(
    session: SessionDep, principal: BankCaller, call: Idempotent
) -> WebhookSecretCreated:
    """A new signing secret, shown this once; the older one signs too until its grace ends."""
    lender_id = lender_id_of(principal)
    row, value = webhooks.create_secret(session, lender_id=lender_id, actor=principal)
    public = WebhookSecretPublic.of(row, now=utcnow())
    return call.answer(WebhookSecretCreated(**public.model_dump(), secret=value), status=201)


@router.delete(
    "/webhook/secrets/{secret_id}", response_model=WebhookSecretPublic, responses=SECRET_PROBLEMS
)
def retire_webhook_secret(
    session: SessionDep,
    principal: BankCaller,
    secret_id: PathId,
    call: Idempotent,
) -> WebhookSecretPublic:
    """Stop signing with a secret now (audited); it stays listed as retired."""
    row = webhooks.retire_secret(
        session, lender_id=lender_id_of(principal), secret_id=secret_id, actor=principal
    )
    return call.answer(WebhookSecretPublic.of(row, now=utcnow()))


@router.get(
    "/events",
    response_model=EventsPage,
    responses={**FORBIDDEN, 422: problem_schema("validation_error", "invalid_cursor")},
)
def pull_events(
    session: SessionDep,
    principal: BankCaller,
    after: Annotated[
        str | None, Query(max_length=64, description="next_cursor of the last page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EventsPage:
    """The bank's events in creation order, the same envelopes as the webhooks carry."""
    lender = lender_service.get(session, lender_id=lender_id_of(principal))
    rows, cursor = feed.page(session, lender_code=lender.code, after=after, limit=limit)
    return EventsPage(data=[EventEnvelope.model_validate(r) for r in rows], next_cursor=cursor)
