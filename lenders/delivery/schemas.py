"""What crosses the boundary for webhooks, the events feed and the dead-letter list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery.models import DeliveryAttempt, WebhookSecret


class WebhookUpdate(BaseModel):
    """The bank's webhook URL; null stops pushes (events stay available to pull)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(max_length=2048)


class WebhookSecretPublic(BaseModel):
    """A secret as listed: never its value."""

    id: int
    created_at: datetime
    expires_at: datetime | None
    retired_at: datetime | None
    active: bool

    @classmethod
    def of(cls, row: WebhookSecret, *, now: datetime) -> WebhookSecretPublic:
        assert row.id is not None
        return cls(
            id=row.id,
            created_at=row.created_at,
            expires_at=row.expires_at,
            retired_at=row.retired_at,
            active=row.is_active(now),
        )


class WebhookSecretCreated(WebhookSecretPublic):
    """A new secret with its value, shown this one time only."""

    secret: str


class WebhookPublic(BaseModel):
    """A bank's webhook: URL and secrets (without their values); push needs both."""

    url: str | None
    updated_at: datetime | None
    secrets: list[WebhookSecretPublic]
    push_enabled: bool


class EventEnvelope(BaseModel):
    """One event as a bank receives it (the webhook body has exactly these fields)."""

    id: str
    type: str
    created_at: str
    data: dict[str, Any]


class EventsPage(BaseModel):
    """A page of the bank's events; pass ``next_cursor`` as ``after`` to continue."""

    data: list[EventEnvelope]
    next_cursor: str


class OwnDeliveryFilters(BaseModel):
    """A bank's own deliveries: ``status=dead`` for its dead letters. Paging (offset, limit)
    comes alongside, so other parameters are allowed."""

    status: DeliveryStatus | None = None


class DeliveryFilters(OwnDeliveryFilters):
    """Staff's filters: every bank's deliveries, or one bank's."""

    lender_code: str | None = Field(default=None, max_length=32)


class AttemptPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryPublic(BaseModel):
    """An outbox event's delivery state, for staff and for the bank it is addressed to."""

    event_id: str
    type: str
    lender_code: str
    lead_id: int | None = Field(description="the lead the event is about, if any")
    status: DeliveryStatus
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    give_up_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    attempt_log: list[AttemptPublic]

    @classmethod
    def of(cls, row: OutboxEvent, attempts: list[DeliveryAttempt]) -> DeliveryPublic:
        return cls(
            event_id=row.event_id,
            type=row.topic,
            lender_code=row.lender_code,
            lead_id=_lead_id(row.payload),
            status=row.status,
            created_at=row.created_at,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at if row.status is DeliveryStatus.PENDING else None,
            give_up_at=row.give_up_at,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            delivered_at=row.delivered_at,
            attempt_log=[AttemptPublic.model_validate(a) for a in attempts],
        )


def _lead_id(payload: dict[str, Any]) -> int | None:
    """A lead event's lead (``lead.*`` payloads carry ``lead_id``); others have none."""
    value = payload.get("lead_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class DeliveriesPublic(BaseModel):
    data: list[DeliveryPublic]
    count: int
