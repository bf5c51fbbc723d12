"""What crosses the boundary for the enterprise registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.core.money import YuanInput
from app.enterprises.models import EnterpriseStatus, EntityType, ReviewStatus


class EnterpriseCreate(BaseModel):
    """A registry record. Money is given in yuan as a string or integer, at most two decimals."""

    model_config = ConfigDict(str_strip_whitespace=True)

    # Not stripped here: uscc.check strips ASCII spaces only and refuses any other character.
    uscc: Annotated[str, StringConstraints(strip_whitespace=False)] = Field(
        min_length=1, max_length=32, description="统一社会信用代码"
    )
    name: str = Field(min_length=2, max_length=200)
    entity_type: EntityType
    status: EnterpriseStatus = EnterpriseStatus.ACTIVE
    registration_date: date
    registered_capital_yuan: YuanInput | None = None
    industry_section: str = Field(min_length=1, max_length=1, description="GB/T 4754 门类 A–T")
    industry_division: str = Field(min_length=2, max_length=2, description="GB/T 4754 大类 01–97")
    district: str = Field(pattern=r"^[0-9]{6}$", description="6-digit administrative division code")
    headcount: int | None = Field(default=None, ge=0, le=10_000_000)
    annual_revenue_yuan: YuanInput | None = None
    legal_representative: str = Field(min_length=1, max_length=64, description="stored masked")
    contact_phone: str | None = Field(
        default=None,
        pattern=r"^1[3-9][0-9]{9}$",
        description="企业联系电话 (mobile): registration codes go here; shown masked",
    )

    @field_validator("industry_section")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class EnterprisePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    uscc: str
    name: str
    entity_type: EntityType
    status: EnterpriseStatus
    registration_date: date
    registered_capital_fen: int | None
    industry_section: str
    industry_division: str
    district: str
    headcount: int | None
    annual_revenue_fen: int | None
    size_class: str | None
    legal_rep_masked: str
    contact_phone_masked: str | None = None
    uscc_check_passed: bool
    created_at: datetime


class EnterprisesPublic(BaseModel):
    data: list[EnterprisePublic]
    count: int


class EnterpriseFilters(BaseModel):
    district: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    industry_section: str | None = Field(default=None, pattern=r"^[A-T]$")
    entity_type: EntityType | None = None
    status: EnterpriseStatus | None = None
    q: str | None = Field(
        default=None,
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="a USCC (exact, or its first characters) or part of the name",
    )


class UsccReviewPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    expected_check_char: str
    source: str
    submitted_by: str
    payload: dict[str, Any]
    status: ReviewStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    submitted_at: datetime


class UsccReviewsPublic(BaseModel):
    data: list[UsccReviewPublic]
    count: int


class UsccReviewDecision(BaseModel):
    accept: bool
    note: str = Field(min_length=2, max_length=500, description="why, for the record")


class RegistrationOutcome(BaseModel):
    """Either the enterprise was registered, or its code went to the review list."""

    enterprise: EnterprisePublic | None = None
    review: UsccReviewPublic | None = None
