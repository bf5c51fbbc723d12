"""What crosses the boundary for scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class ScorePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    uscc: str
    as_of: date
    model_name: str
    pd: float
    points: int
    grade: str
    grade_name: str = ""
    reasons: list[dict[str, Any]]
    scored_at: datetime
    run_id: int | None


class ScoreRunPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    as_of: date
    model_name: str
    partitions: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    enterprises: int
    previous_run_id: int | None
    psi: dict[str, Any]


class ScoreRunsPublic(BaseModel):
    data: list[ScoreRunPublic]
    count: int


class SourceFreshness(BaseModel):
    """One source's newest record on an enterprise: ``latest`` is ``YYYY-MM-DD``, ``YYYY-MM``
    or ``YYYY`` as ``granularity`` says, or None when the platform holds none from it."""

    kind: str
    name: str
    department: str
    granularity: str
    latest: str | None


class DataFreshnessPublic(BaseModel):
    data: list[SourceFreshness]
    count: int
