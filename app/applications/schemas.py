"""What crosses the boundary for financing applications."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from app.applications.models import (
    PRODUCT_TYPE_LABELS,
    STATUS_LABELS,
    ApplicationStatus,
    FinancingApplication,
    ProductType,
)
from app.core.money import Yuan, yuan_to_fen

MIN_TERM_MONTHS = 1
MAX_TERM_MONTHS = 120  # ten years: the longest term SME loan products in the city offer
PURPOSE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500


class ApplicationCreate(BaseModel):
    """A financing need (融资需求); amount in yuan as a string or integer, two decimals at most."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    amount_yuan: Yuan = Field(
        description='融资金额 in yuan, e.g. "500000.00"; more than 0, at most 100000000.00',
        examples=["500000.00"],
    )
    term_months: int = Field(
        ge=MIN_TERM_MONTHS, le=MAX_TERM_MONTHS, description="期限 in months, 1–120"
    )
    purpose: str = Field(min_length=2, max_length=PURPOSE_MAX_LENGTH, description="用途")
    product_type: ProductType = Field(
        description="pure_credit 纯信用 / credit 信用 / guaranteed 保证 / collateral 抵押"
    )
    lender_code: str | None = Field(
        default=None, min_length=1, max_length=32, description="the chosen bank, if any"
    )
    green: bool = Field(default=False, description="绿色 (green) financing")
    tech: bool = Field(default=False, description="科技 (technology) enterprise financing")

    @property
    def amount_fen(self) -> int:
        return yuan_to_fen(self.amount_yuan)


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    reason: str | None = Field(default=None, max_length=REASON_MAX_LENGTH, description="why")


class TransitionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    actor: str
    actor_role: str
    reason: str | None
    at: datetime


class ApplicationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    amount_fen: int
    term_months: int
    purpose: str
    product_type: ProductType
    product_type_label: str = ""
    lender_code: str | None
    green: bool
    tech: bool
    status: ApplicationStatus
    status_label: str = ""
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, application: FinancingApplication) -> Self:
        """The public view with the Chinese labels filled in."""
        return cls.model_validate(application).model_copy(
            update={
                "product_type_label": PRODUCT_TYPE_LABELS[application.product_type],
                "status_label": STATUS_LABELS[application.status],
            }
        )


class ApplicationDetail(ApplicationPublic):
    """One application with its history, oldest transition first."""

    transitions: list[TransitionPublic] = []


class ApplicationsPublic(BaseModel):
    data: list[ApplicationPublic]
    count: int


class ApplicationFilters(BaseModel):
    status: ApplicationStatus | None = None
    uscc: str | None = Field(
        default=None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="staff only"
    )
