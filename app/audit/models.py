"""The audit log: append-only, its triggers refuse update, delete, replace, upsert, truncate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, when, and under which request."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(max_length=64, index=True)
    actor_role: str = Field(max_length=32)
    action: str = Field(max_length=64, index=True)
    subject_type: str = Field(max_length=32)
    subject_id: str = Field(max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
