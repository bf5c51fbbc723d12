"""What crosses the boundary for the monitoring: the registry, a series' points, a refresh."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Month = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])]
Cut = Literal["district", "industry_section", "lender_code", "product_type"]


class IndicatorPublic(BaseModel):
    code: str
    name: str
    formula: str
    numerator: str
    denominator: str | None
    unit: str
    direction: str
    serves: str


class IndicatorsPublic(BaseModel):
    data: list[IndicatorPublic]
    count: int


class PointPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    month: str
    group: str = Field(description="the cut's value; '' when not cut")
    numerator: int
    denominator: int | None
    value: int | Decimal | None = Field(description="a count or fen; a ratio as a decimal")
    growth: Decimal | None = Field(description="change on the month before (月环比)")


class SeriesPublic(BaseModel):
    indicator: IndicatorPublic
    by: Cut | None
    cumulative: bool
    refreshed_at: datetime | None = Field(description="when the cells were last rebuilt")
    data: list[PointPublic]


class RefreshPublic(BaseModel):
    first_month: str
    last_month: str
    cells: int  # the cells written
    full: bool
    since_month: str | None  # the first month recomputed; null: nothing had changed


class TargetPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    indicator: str
    district: str
    version: int
    start_month: str
    due_month: str
    target: int = Field(description="in the figure's own scale: fen, basis points of a share, …")
    note: str
    entered_by: str
    entered_at: datetime


class TargetsPublic(BaseModel):
    data: list[TargetPublic]
    count: int


class StatusPublic(BaseModel):
    indicator: str
    name: str
    district: str
    month: str
    actual: int | Decimal | None
    expected: Decimal | None = Field(description="the straight-line pace; None for a level")
    target: Decimal = Field(description="in the indicator's own scale, as the values have it")
    due_month: str
    standing: str
    label: str


class StatusesPublic(BaseModel):
    month: str
    data: list[StatusPublic]


class FigurePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    measure: str
    district: str
    month: str
    version: int
    value: int = Field(description="a count, or fen")
    note: str
    entered_by: str
    entered_at: datetime


class FiguresPublic(BaseModel):
    data: list[FigurePublic]
    count: int


class LeagueEntryPublic(BaseModel):
    rank: int
    lender_code: str
    lender_name: str
    offered: int = Field(description="leads offered to the bank in the month")
    answered: int = Field(description="leads it accepted or declined in the month")
    answered_in_time: int
    in_time_share: Decimal | None = Field(description="answered in time ÷ answered")
    median_response_minutes: int | None = Field(
        description="office minutes (09:00–17:00 on working days) from offer to answer"
    )
    p90_response_minutes: int | None
    breaches: int = Field(
        description="deadlines due in the month that were missed or are still open past due"
    )
    approved: int
    decided: int
    approval_ratio: Decimal | None = Field(description="approved ÷ approved or rejected")
    declines: dict[str, int] = Field(description="decline reason code → leads declined")

    @classmethod
    def of(cls, entry: Any) -> LeagueEntryPublic:
        row = entry.row
        return cls(
            rank=entry.rank, lender_code=entry.lender_code, lender_name=entry.lender_name,
            offered=row.offered, answered=row.answered, answered_in_time=row.answered_in_time,
            in_time_share=entry.in_time_share,
            median_response_minutes=row.median_response_minutes,
            p90_response_minutes=row.p90_response_minutes, breaches=row.breaches,
            approved=row.approved, decided=row.decided, approval_ratio=entry.approval_ratio,
            declines=row.declines,
        )  # fmt: skip


class LeaguePublic(BaseModel):
    month: str
    refreshed_at: datetime | None
    data: list[LeagueEntryPublic]
    count: int


class LeaguePositionPublic(BaseModel):
    month: str
    banks: int = Field(description="banks in the month's league")
    refreshed_at: datetime | None
    entry: LeagueEntryPublic | None = Field(description="the bank's own row; None if idle")


class FigureCellPublic(BaseModel):
    value: int | Decimal | None = Field(description="in the unit's own scale: fen, a ratio, …")
    unit: str = Field(description="count, fen, ratio, bp (a rate in basis points) or days")


class TablePublic(BaseModel):
    """A dashboard table as its page shows it: each cell text, a whole number, a figure or
    null."""

    key: str
    title: str
    note: str
    headers: list[str]
    rows: list[list[FigureCellPublic | str | int | None]]
