"""The tables of app.core's own mechanisms: throttle hits, idempotency keys, task receipts.

Each mechanism keeps its rules in its module (``throttle``, ``idempotency``, ``receipts``);
its queries are in ``app.core.repository``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime

IDEMPOTENCY_KEY_MAX_LENGTH = 255


class ThrottleHit(SQLModel, table=True):
    """One counted attempt (a wrong password, a registration) under a limit's scope."""

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_scope_key_at", "scope", "key_digest", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=32)
    key_digest: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class IdempotencyKey(SQLModel, table=True):
    """One state-changing call made under a client's key, and the answer it got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=100)  # whose key: "lender:7", or a principal ref
    key: str = Field(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    route: str = Field(max_length=300)  # method and concrete path: "PATCH /api/v1/…/7"
    request_hash: str = Field(max_length=64)  # SHA-256 of the raw body, hex
    response_status: int | None = None  # None until the call's answer is written
    response_body: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class TaskReceipt(SQLModel, table=True):
    """One row per (task, key) whose effect has been committed."""

    __tablename__ = "task_receipts"

    task: str = Field(primary_key=True, max_length=100)
    key: str = Field(primary_key=True, max_length=200)
    done_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
