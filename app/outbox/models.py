"""The outbox: events written in the transaction that causes them, delivered afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type
from app.core.xact import current_xact_id
from app.outbox.status import DeliveryStatus
from lenders.institutions import models as _lenders  # noqa: F401 - the table lender_code refers to


class OutboxEvent(SQLModel, table=True):
    """One event for one bank, with a stable id; the delivery (lenders area) pushes it."""

    __tablename__ = "outbox_events"
    # The delivery's claim: pending events in order of when they are due.
    __table_args__ = (
        Index("ix_outbox_events_status_due", "status", "next_attempt_at"),
        # The pull feed: a bank's events in the order of their writing transactions.
        Index("ix_outbox_events_feed", "lender_code", "xact_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(default_factory=lambda: uuid4().hex, max_length=32, unique=True)
    # The id of the transaction that wrote the event (0 on SQLite); see app.core.xact.
    xact_id: int = Field(
        default=None,
        sa_column=Column(BigInteger, nullable=False, default=current_xact_id(), server_default="0"),
    )
    topic: str = Field(max_length=64, index=True)
    lender_code: str = Field(max_length=32, foreign_key="lenders.code", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    status: DeliveryStatus = Field(
        default=DeliveryStatus.PENDING, sa_type=enum_type(DeliveryStatus)
    )
    # HTTP attempts in the current round (a redelivery starts a new round); the back-off exponent.
    attempts: int = 0
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # A failed attempt after this time makes the event dead (retry window, 3 days by default).
    give_up_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
