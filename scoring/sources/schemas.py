"""What crosses the boundary for source batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from scoring.sources.models import BatchStatus


class BatchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    file_name: str
    content_hash: str
    file_format: str
    status: BatchStatus
    loaded_by: str
    loaded_at: datetime
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rows_superseded: int
    rows_held_for_review: int
    message: str | None
    ignored_columns: list[str]
    progress_percent: int


class BatchOutcome(BatchPublic):
    duplicate: bool = False


class BatchesPublic(BaseModel):
    data: list[BatchPublic]
    count: int


class RejectedRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row_number: int
    column: str
    rule: str
    message: str
    violations: list[dict[str, str]]
    original: dict[str, Any]


class RejectedRowsPublic(BaseModel):
    data: list[RejectedRowPublic]
    count: int
