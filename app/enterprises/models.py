"""Enterprise registry tables: enterprises and the USCC review list."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, text
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class EntityType(StrEnum):
    ENTERPRISE = "enterprise"  # 企业
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户
    FARMERS_COOPERATIVE = "farmers_cooperative"  # 农民专业合作社


class EnterpriseStatus(StrEnum):
    ACTIVE = "active"  # 存续
    DEREGISTERED = "deregistered"  # 注销
    REVOKED = "revoked"  # 吊销


class ReviewStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Enterprise(SQLModel, table=True):
    """A market entity known to the city's public credit platform, keyed by its USCC."""

    __tablename__ = "enterprises"
    __table_args__ = (
        Index("ix_enterprises_district_industry", "district", "industry_section"),
        # Every batch asks for the few codes accepted despite a failing check character; a
        # partial index answers without reading the whole registry.
        Index(
            "ix_enterprises_uscc_check_failed",
            "uscc",
            postgresql_where=text("uscc_check_passed = false"),
            sqlite_where=text("uscc_check_passed = 0"),
        ),
    )

    uscc: str = Field(primary_key=True, min_length=18, max_length=18)
    name: str = Field(max_length=200)
    entity_type: EntityType = Field(sa_type=enum_type(EntityType), index=True)
    status: EnterpriseStatus = Field(
        default=EnterpriseStatus.ACTIVE, sa_type=enum_type(EnterpriseStatus)
    )
    registration_date: date
    registered_capital_fen: int | None = Field(default=None, sa_column=Column(BigInteger))
    industry_section: str = Field(max_length=1)
    industry_division: str = Field(max_length=2)
    district: str = Field(max_length=6, index=True)
    headcount: int | None = Field(default=None, ge=0)
    annual_revenue_fen: int | None = Field(default=None, sa_column=Column(BigInteger))
    size_class: str | None = Field(default=None, max_length=8)
    legal_rep_masked: str = Field(max_length=64)
    legal_rep_digest: str = Field(max_length=64)
    # The contact phone the registry holds (企业联系电话); registration codes go here. Shown
    # only masked (138****5678): see ``contact_phone_masked``.
    contact_phone: str | None = Field(default=None, max_length=20)
    # False for codes accepted from the review list although their check character fails.
    uscc_check_passed: bool = True
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

    @property
    def contact_phone_masked(self) -> str | None:
        """The contact phone as every view shows it."""
        return mask_phone(self.contact_phone)


def mask_phone(phone: str | None) -> str | None:
    """Keep the first three and last four digits: 13812345678 → 138****5678."""
    if not phone:
        return None
    return phone[:3] + "*" * max(len(phone) - 7, 1) + phone[-4:] if len(phone) > 7 else "****"


class UsccReview(SQLModel, table=True):
    """A record whose USCC fails its check character, held for a data operator to decide."""

    __tablename__ = "uscc_reviews"

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, index=True)
    expected_check_char: str = Field(max_length=1)
    source: str = Field(max_length=64)
    submitted_by: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: ReviewStatus = Field(
        default=ReviewStatus.PENDING, sa_type=enum_type(ReviewStatus), index=True
    )
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decision_note: str | None = Field(default=None, max_length=500)
    submitted_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
