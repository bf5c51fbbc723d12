"""A match: one eligible product for one application, its rank, and why it ranks there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime


class Match(SQLModel, table=True):
    """Rank 1 is offered first; ``reasons`` are the ranking's parts, worded in Chinese."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("application_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    product_id: int = Field(foreign_key="loan_products.id")
    lender_code: str = Field(max_length=32, foreign_key="lenders.code", index=True)
    rank: int
    score: int  # 0–10,000: the weighted fit, in basis points, for ordering and display
    chosen: bool = False  # the enterprise named this bank in its application
    reasons: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
