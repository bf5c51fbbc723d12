"""The monitoring's aggregate tables: measure cells per city month and cut, and each refresh."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime


class MonitoringCell(SQLModel, table=True):
    """One measure's value for one city month and one combination of cuts ('' = none)."""

    __tablename__ = "monitoring_cells"
    __table_args__ = (
        UniqueConstraint(
            "measure", "month", "district", "industry_section", "lender_code", "product_type"
        ),
        # (measure, month, …) leads the unique index, which serves every read by measure and month
    )

    # BIGINT (a rebuild renumbers every cell); on SQLite only INTEGER PRIMARY KEY numbers itself
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    measure: str = Field(max_length=40)
    month: str = Field(max_length=7)  # "YYYY-MM", the city's calendar
    district: str = Field(default="", max_length=6)
    industry_section: str = Field(default="", max_length=1)
    lender_code: str = Field(default="", max_length=32)
    product_type: str = Field(default="", max_length=16)
    value: int = Field(sa_column=Column(BigInteger, nullable=False))


class MonitoringRefresh(SQLModel, table=True):
    """A rebuild of the cells: which months, how many cells, when and by whom."""

    __tablename__ = "monitoring_refreshes"

    id: int | None = Field(default=None, primary_key=True)
    first_month: str = Field(max_length=7)
    last_month: str = Field(max_length=7)
    cells: int
    made_by: str = Field(max_length=64)
    made_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class MonitoringTarget(SQLModel, table=True):
    """A target of one indicator for the city ('') or one district; each change a new version.

    ``target`` is the figure's own integer (fen, basis points of a share, …: see
    ``app/monitoring/targets.py``)."""

    __tablename__ = "monitoring_targets"
    __table_args__ = (UniqueConstraint("indicator", "district", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator: str = Field(max_length=40)
    district: str = Field(default="", max_length=6)
    version: int = Field(ge=1)
    start_month: str = Field(max_length=7)
    due_month: str = Field(max_length=7)
    target: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(default="", max_length=500)
    entered_by: str = Field(max_length=64)
    entered_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class MonitoringFigure(SQLModel, table=True):
    """A figure from outside the platform the office enters (a denominator: market entities of
    a district, the city's enterprise credit loans), for a month; each change a new version.
    It stands from its month until a later month's figure replaces it."""

    __tablename__ = "monitoring_figures"
    __table_args__ = (UniqueConstraint("measure", "district", "month", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    measure: str = Field(max_length=40)
    district: str = Field(default="", max_length=6)  # '' for a city-wide figure
    month: str = Field(max_length=7)
    version: int = Field(ge=1)
    value: int = Field(sa_column=Column(BigInteger, nullable=False))  # a count, or fen
    note: str = Field(default="", max_length=500)
    entered_by: str = Field(max_length=64)
    entered_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class MonitoringLeagueRow(SQLModel, table=True):
    """One bank's month in the league table (银行排行榜), rebuilt with the cells.

    Response times are office minutes on working days (``lenders/deadlines/calendar.py``)
    from a lead's offer to the bank's answer, for the answers given in the month; breaches are
    the deadlines (answer or decision) due in the month that were missed or are still open
    past due."""

    __tablename__ = "monitoring_league"
    __table_args__ = (UniqueConstraint("month", "lender_code"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7)
    lender_code: str = Field(max_length=32)
    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    median_response_minutes: int | None = None
    p90_response_minutes: int | None = None
    breaches: int = 0
    approved: int = 0
    decided: int = 0
    declines: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
