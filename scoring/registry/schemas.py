"""What crosses the boundary for the model registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class ModelVersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    source: str
    trained_by: str
    trained_at: datetime
    training_window: dict[str, Any]
    features: list[str]
    metrics: dict[str, Any]
    artifact_sha256: str
    data_sha256: str
    is_champion: bool
    promoted_at: datetime | None
    promoted_by: str | None


class ModelVersionsPublic(BaseModel):
    data: list[ModelVersionPublic]
    count: int
