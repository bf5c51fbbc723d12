"""Operational probes: prove end to end that background work runs, and runs once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime


class ProbeAttempt(SQLModel, table=True):
    """Written (and committed) when a probe task starts: how many times it was started."""

    __tablename__ = "ops_probe_attempts"

    id: int | None = Field(default=None, primary_key=True)
    probe_id: str = Field(max_length=64, index=True)
    pid: int
    hostname: str = Field(max_length=255)
    started_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ProbeRun(SQLModel, table=True):
    """The probe's effect, deliberately not unique: only the task receipt keeps it single."""

    __tablename__ = "ops_probe_runs"

    id: int | None = Field(default=None, primary_key=True)
    probe_id: str = Field(max_length=64, index=True)
    pid: int
    finished_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
