"""Loan products (金融产品) a lender publishes, with the rules that say who may borrow."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from app.applications.models import ProductType
from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class ProductStatus(StrEnum):
    """A product is on offer until its lender retires it; retiring never deletes it."""

    ACTIVE = "active"  # 在售
    RETIRED = "retired"  # 已下架


PRODUCT_STATUS_LABELS = {ProductStatus.ACTIVE: "在售", ProductStatus.RETIRED: "已下架"}


class LoanProduct(SQLModel, table=True):
    """One lender's loan product: ranges of amount, term and rate, and its eligibility rules.

    Each rule list is empty when the product does not restrict by it. A ``green`` or ``tech``
    product is *for* green financing or technology enterprises only (绿色贷, 科技贷); an
    untagged product accepts tagged and untagged needs alike.
    """

    __tablename__ = "loan_products"
    __table_args__ = (
        # The service gives the clear errors; the database refuses what is never sane.
        CheckConstraint(
            "min_amount_fen > 0 AND min_amount_fen <= max_amount_fen", name="amount_range"
        ),
        CheckConstraint(
            "min_term_months > 0 AND min_term_months <= max_term_months", name="term_range"
        ),
        CheckConstraint("min_rate_bp > 0 AND min_rate_bp <= max_rate_bp", name="rate_range"),
        CheckConstraint("min_operating_months >= 0", name="operating_months_nonnegative"),
        Index("ix_loan_products_status_lender", "status", "lender_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lender_id: int = Field(foreign_key="lenders.id", index=True)
    product_type: ProductType = Field(sa_type=enum_type(ProductType))
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=2000)
    min_amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    max_amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    min_term_months: int
    max_term_months: int
    # Annual rate in basis points: 350 is 3.50%.
    min_rate_bp: int
    max_rate_bp: int
    grades: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    industry_sections: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    districts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    entity_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_operating_months: int = 0
    green: bool = False  # 绿色金融产品: only for green financing
    tech: bool = False  # 科技金融产品: only for technology enterprises
    fund_eligible: bool = False  # loans under it may be covered by the 风险缓释基金
    status: ProductStatus = Field(default=ProductStatus.ACTIVE, sa_type=enum_type(ProductStatus))
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
