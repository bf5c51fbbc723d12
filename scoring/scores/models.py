"""Scores: one row per enterprise per run, naming the model version that made it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # partitions still missing long after a re-queue (see scores.sweep)


class ScoreRun(SQLModel, table=True):
    """A batch scoring of every enterprise as of a date, with its stability against the last."""

    __tablename__ = "score_runs"

    id: int | None = Field(default=None, primary_key=True)
    as_of: date = Field(index=True)
    model_name: str = Field(max_length=64)
    partitions: int = 1
    status: RunStatus = Field(default=RunStatus.RUNNING, sa_type=enum_type(RunStatus))
    started_by: str = Field(max_length=64)
    started_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    enterprises: int = 0
    previous_run_id: int | None = Field(default=None, foreign_key="score_runs.id")
    # Population stability index of the points and of the key features against the previous run.
    psi: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Bin edges and shares of this run's points and key features, for the next run's PSI.
    profile: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Score(SQLModel, table=True):
    """An enterprise's PD, points, grade and reasons as of a date, from one model version."""

    __tablename__ = "scores"
    __table_args__ = (
        Index("ix_scores_uscc_as_of", "uscc", "as_of"),
        Index("ix_scores_run_uscc", "run_id", "uscc", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="score_runs.id")  # None: online rescore
    uscc: str = Field(max_length=18)
    as_of: date
    model_name: str = Field(max_length=64)
    pd: float
    points: int
    grade: str = Field(max_length=1)
    reasons: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    scored_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
