"""Financing applications (融资需求) and the record of every change of their state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class ProductType(StrEnum):
    """The kind of loan the enterprise prefers."""

    PURE_CREDIT = "pure_credit"  # 纯信用
    CREDIT = "credit"  # 信用
    GUARANTEED = "guaranteed"  # 保证
    COLLATERAL = "collateral"  # 抵押


PRODUCT_TYPE_LABELS = {
    ProductType.PURE_CREDIT: "纯信用",
    ProductType.CREDIT: "信用",
    ProductType.GUARANTEED: "保证",
    ProductType.COLLATERAL: "抵押",
}


class ApplicationStatus(StrEnum):
    """Where an application stands; the legal moves between them are in ``state.py``."""

    SUBMITTED = "submitted"  # 已提交
    MATCHED = "matched"  # 已匹配产品
    RECOMMENDED = "recommended"  # 已推荐给银行
    ACCEPTED = "accepted"  # 银行已受理
    DECLINED = "declined"  # 银行不予受理
    APPROVED = "approved"  # 审批通过
    REJECTED = "rejected"  # 审批未通过
    DISBURSED = "disbursed"  # 已放款
    WITHDRAWN = "withdrawn"  # 企业已撤回
    EXPIRED = "expired"  # 已过期


STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: "已提交",
    ApplicationStatus.MATCHED: "已匹配产品",
    ApplicationStatus.RECOMMENDED: "已推荐给银行",
    ApplicationStatus.ACCEPTED: "银行已受理",
    ApplicationStatus.DECLINED: "银行不予受理",
    ApplicationStatus.APPROVED: "审批通过",
    ApplicationStatus.REJECTED: "审批未通过",
    ApplicationStatus.DISBURSED: "已放款",
    ApplicationStatus.WITHDRAWN: "已撤回",
    ApplicationStatus.EXPIRED: "已过期",
}


class FinancingApplication(SQLModel, table=True):
    """An enterprise's financing need: amount, term, purpose, product type, optional bank."""

    __tablename__ = "applications"
    __table_args__ = (
        # The service enforces the policy bounds; the database refuses what is never sane.
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("term_months > 0", name="term_positive"),
        Index("ix_applications_uscc_created", "uscc", "created_at"),
        Index("ix_applications_created_at", "created_at"),  # the monitoring, by month
    )

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc")
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    term_months: int
    purpose: str = Field(max_length=500)
    product_type: ProductType = Field(sa_type=enum_type(ProductType))
    # A lender's code is its stable public handle, so the row reads without a join.
    lender_code: str | None = Field(default=None, max_length=32, foreign_key="lenders.code")
    green: bool = False  # 绿色
    tech: bool = False  # 科技
    status: ApplicationStatus = Field(
        default=ApplicationStatus.SUBMITTED, sa_type=enum_type(ApplicationStatus), index=True
    )
    submitted_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ApplicationTransition(SQLModel, table=True):
    """One change of an application's state: from, to, who, when (UTC) and why."""

    __tablename__ = "application_transitions"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    # None for the first entry, when the application is submitted.
    from_status: ApplicationStatus | None = Field(
        default=None, sa_type=enum_type(ApplicationStatus)
    )
    to_status: ApplicationStatus = Field(sa_type=enum_type(ApplicationStatus))
    actor: str = Field(max_length=64)
    actor_role: str = Field(max_length=32)
    reason: str | None = Field(default=None, max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
