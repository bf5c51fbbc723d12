"""The batch manifest, rejected rows and public-credit events (the database side of sources)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class BatchStatus(StrEnum):
    QUEUED = "queued"  # a large upload accepted (202), waiting for its background task
    LOADING = "loading"  # being read, checked and stored; ``progress_percent`` says how far
    LOADED = "loaded"
    REFUSED = "refused"


class SourceBatch(SQLModel, table=True):
    """One load of one source file: what came in, what was kept, what was refused and why."""

    __tablename__ = "source_batches"
    __table_args__ = (Index("ix_source_batches_kind_hash", "kind", "content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    file_name: str = Field(max_length=255)
    content_hash: str = Field(max_length=64)
    file_format: str = Field(max_length=16)
    status: BatchStatus = Field(sa_type=enum_type(BatchStatus))
    loaded_by: str = Field(max_length=64)
    loaded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_superseded: int = 0
    rows_held_for_review: int = 0
    message: str | None = Field(default=None, max_length=2000)
    ignored_columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    storage_path: str | None = Field(default=None, max_length=500)
    progress_percent: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # A background load's file under ``<data_dir>/uploads``, by its generated name.
    upload_file: str | None = Field(default=None, max_length=100)


class RejectedRow(SQLModel, table=True):
    """A row that broke a rule, kept with its original values so it can be corrected and resent."""

    __tablename__ = "rejected_rows"
    __table_args__ = (Index("ix_rejected_rows_batch_row", "batch_id", "row_number"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="source_batches.id")
    row_number: int
    column: str = Field(max_length=100)
    rule: str = Field(max_length=40)
    message: str = Field(max_length=500)
    violations: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    original: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class CreditEvent(SQLModel, table=True):
    """One version of a public-credit event (双公示、名单). A correction is a new version."""

    __tablename__ = "credit_events"
    __table_args__ = (
        Index("ix_credit_events_event_current", "event_id", "superseded_by_batch_id"),
        Index("ix_credit_events_uscc_kind", "uscc", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64)
    batch_id: int = Field(foreign_key="source_batches.id", index=True)
    superseded_by_batch_id: int | None = Field(default=None, foreign_key="source_batches.id")
    uscc: str = Field(max_length=18)
    kind: str = Field(max_length=40)
    event_date: date
    department: str = Field(max_length=100)
    publicity_start: date | None = None
    publicity_end: date | None = None
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger))
    severity: str | None = Field(default=None, max_length=16)
    repaired: bool | None = None
    removed: bool | None = None
