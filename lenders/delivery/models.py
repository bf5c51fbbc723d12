"""A bank's webhook: its URL, its signing secrets (encrypted), and every delivery attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime
from app.outbox import models as _outbox  # noqa: F401 - the table attempts refer to


class WebhookEndpoint(SQLModel, table=True):
    """Where a bank wants its events pushed; no row, or no URL, means it pulls them."""

    __tablename__ = "webhook_endpoints"

    id: int | None = Field(default=None, primary_key=True)
    lender_id: int = Field(foreign_key="lenders.id", unique=True)
    url: str | None = Field(default=None, max_length=2048)
    updated_by: str = Field(max_length=64)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class WebhookSecret(SQLModel, table=True):
    """One signing secret of a bank, AES-GCM encrypted; shown to the bank once, at creation.

    Active while not retired and before ``expires_at`` (set on the older secret when a newer one
    is created: the rotation's grace period). Every active secret signs every webhook.
    """

    __tablename__ = "webhook_secrets"

    id: int | None = Field(default=None, primary_key=True)
    lender_id: int = Field(foreign_key="lenders.id", index=True)
    # nonce (12 bytes) followed by the ciphertext and its tag; see lenders.delivery.crypto
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))

    def is_active(self, now: datetime) -> bool:
        return self.retired_at is None and (self.expires_at is None or self.expires_at > now)


class DeliveryAttempt(SQLModel, table=True):
    """One HTTP attempt to push one outbox event: when, the answer or the error, how long."""

    __tablename__ = "delivery_attempts"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox_events.id", index=True)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=500)
    duration_ms: int
