"""The model registry's table: every trained version, its card, and which one is champion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime


class ModelVersion(SQLModel, table=True):
    """A trained model: LightGBM text and a JSON card on disk, their hashes and metrics here."""

    __tablename__ = "model_versions"
    __table_args__ = (
        # Exactly one champion at most, enforced by the database itself.
        Index(
            "uq_model_versions_one_champion",
            "is_champion",
            unique=True,
            sqlite_where=text("is_champion"),
            postgresql_where=text("is_champion"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    source: str = Field(max_length=255)  # "platform" or the labelled table it was trained on
    trained_by: str = Field(max_length=64)
    trained_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    training_window: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    features: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    artifact_path: str = Field(max_length=500)
    artifact_sha256: str = Field(max_length=64)
    data_sha256: str = Field(max_length=64)
    is_champion: bool = False
    promoted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    promoted_by: str | None = Field(default=None, max_length=64)
