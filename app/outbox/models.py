"""The outbox: events written in the transaction that causes them, delivered afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime
from lenders.institutions import models as _lenders  # noqa: F401 - the table lender_code refers to


class OutboxEvent(SQLModel, table=True):
    """One event for one bank, with a stable id; the delivery (lenders area) marks it sent."""

    __tablename__ = "outbox_events"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(default_factory=lambda: uuid4().hex, max_length=32, unique=True)
    topic: str = Field(max_length=64, index=True)
    lender_code: str = Field(max_length=32, foreign_key="lenders.code", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
