"""The whitelist (白名单): its policy versions, its numbered versions, members and changes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type
from scoring.sources.contracts import ADVERSE_LISTS

DISQUALIFYING_LISTS = ADVERSE_LISTS  # the lists a policy may bar members for


class WhitelistPolicy(SQLModel, table=True):
    """One version of the thresholds (SPEC §5). A change is a new row; rows never change."""

    __tablename__ = "whitelist_policies"

    version: int = Field(primary_key=True, ge=1)
    min_operating_months: int = Field(ge=0)
    allowed_grades: list[str] = Field(sa_column=Column(JSON, nullable=False))
    demand_window_days: int = Field(ge=1)
    disqualifying_lists: list[str] = Field(sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=500)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class WhitelistVersion(SQLModel, table=True):
    """A refresh that changed the list: under which policy and champion, and what changed."""

    __tablename__ = "whitelist_versions"

    number: int = Field(primary_key=True, ge=1)
    policy_version: int = Field(foreign_key="whitelist_policies.version")
    model_name: str = Field(max_length=64)
    members: int
    joins: int
    exits: int
    unchanged: int
    # Membership of this version = every change with id ≤ this one applied in order.
    through_change_id: int
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class WhitelistMember(SQLModel, table=True):
    """An enterprise on the whitelist now."""

    __tablename__ = "whitelist_members"

    uscc: str = Field(primary_key=True, max_length=18, foreign_key="enterprises.uscc")
    since_version: int = Field(foreign_key="whitelist_versions.number")
    joined_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ChangeKind(StrEnum):
    JOIN = "join"
    EXIT = "exit"


class Trigger(StrEnum):
    """What made the change: a refresh, or a disqualifying event between refreshes."""

    REFRESH = "refresh"
    CREDIT_EVENT = "credit_event"
    REGISTRY = "registry"
    CONSENT = "consent"
    WITHDRAWAL = "withdrawal"
    EXPIRY = "expiry"  # the application sweep ended a stale need


class WhitelistChange(SQLModel, table=True):
    """A join or an exit, with the reason codes of an exit; appended, never changed."""

    __tablename__ = "whitelist_changes"
    __table_args__ = (
        Index("ix_whitelist_changes_uscc", "uscc", "id"),
        Index("ix_whitelist_changes_at", "at"),  # the monitoring, by month
    )

    id: int | None = Field(default=None, primary_key=True)
    version_number: int | None = Field(
        default=None, foreign_key="whitelist_versions.number", index=True
    )  # None: an exit at once, between refreshes
    uscc: str = Field(max_length=18)
    kind: ChangeKind = Field(sa_type=enum_type(ChangeKind))
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    trigger: Trigger = Field(sa_type=enum_type(Trigger))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
