"""Leads, their moves, and the deadlines a bank answers within (SPEC §6)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class LeadStatus(StrEnum):
    OFFERED = "offered"  # 已推送, waiting for the bank to accept or decline
    ACCEPTED = "accepted"  # 已受理
    DECLINED = "declined"  # 不予受理
    EXPIRED = "expired"  # 超时未响应: withdrawn from the bank, offered to the next
    WITHDRAWN = "withdrawn"  # 已撤回: the need ended (withdrawal, expiry, whitelist exit)
    APPROVED = "approved"  # 审批通过
    REJECTED = "rejected"  # 审批未通过
    DISBURSED = "disbursed"  # 已放款


LEAD_STATUS_LABELS = {
    LeadStatus.OFFERED: "已推送",
    LeadStatus.ACCEPTED: "已受理",
    LeadStatus.DECLINED: "不予受理",
    LeadStatus.EXPIRED: "超时未响应",
    LeadStatus.WITHDRAWN: "已撤回",
    LeadStatus.APPROVED: "审批通过",
    LeadStatus.REJECTED: "审批未通过",
    LeadStatus.DISBURSED: "已放款",
}


class DeclineReason(StrEnum):
    """The fixed list a bank declines a lead with (SPEC §6)."""

    OUTSIDE_CREDIT_POLICY = "outside_credit_policy"  # 不符合本行授信政策
    CREDIT_RISK = "credit_risk"  # 信用风险较高
    INSUFFICIENT_INFORMATION = "insufficient_information"  # 信息不足
    INDUSTRY_RESTRICTED = "industry_restricted"  # 行业受限
    AMOUNT_OR_TERM = "amount_or_term"  # 金额或期限不符
    OUTSIDE_SERVICE_AREA = "outside_service_area"  # 不在服务区域
    NO_CAPACITY = "no_capacity"  # 额度不足
    CONTACT_FAILED = "contact_failed"  # 无法联系企业
    ENTERPRISE_WITHDREW = "enterprise_withdrew"  # 企业放弃
    OTHER = "other"  # 其他 (a note is required)


DECLINE_REASON_LABELS = {
    DeclineReason.OUTSIDE_CREDIT_POLICY: "不符合本行授信政策",
    DeclineReason.CREDIT_RISK: "信用风险较高",
    DeclineReason.INSUFFICIENT_INFORMATION: "信息不足",
    DeclineReason.INDUSTRY_RESTRICTED: "行业受限",
    DeclineReason.AMOUNT_OR_TERM: "金额或期限不符",
    DeclineReason.OUTSIDE_SERVICE_AREA: "不在服务区域",
    DeclineReason.NO_CAPACITY: "额度不足",
    DeclineReason.CONTACT_FAILED: "无法联系企业",
    DeclineReason.ENTERPRISE_WITHDREW: "企业放弃",
    DeclineReason.OTHER: "其他",
}


class Lead(SQLModel, table=True):
    """One application offered to one bank's product; ``payload`` is exactly what the bank got."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("application_id", "lender_code"),
        Index("ix_leads_status_respond_by", "status", "respond_by"),
        Index("ix_leads_lender_status", "lender_code", "status"),
        Index("ix_leads_offered_at", "offered_at"),  # the monitoring, by month
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    match_id: int = Field(foreign_key="matches.id")
    product_id: int = Field(foreign_key="loan_products.id")
    lender_code: str = Field(max_length=32, foreign_key="lenders.code")
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc", index=True)
    status: LeadStatus = Field(default=LeadStatus.OFFERED, sa_type=enum_type(LeadStatus))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    offered_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    respond_by: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    responded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decide_by: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decline_reason: DeclineReason | None = Field(default=None, sa_type=enum_type(DeclineReason))
    note: str | None = Field(default=None, max_length=500)
    approved_amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger))
    approved_rate_bp: int | None = None
    approved_term_months: int | None = None
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class LeadTransition(SQLModel, table=True):
    """Every move of a lead: who, when, from, to, why; appended, never changed."""

    __tablename__ = "lead_transitions"
    __table_args__ = (Index("ix_lead_transitions_at", "at"),)  # the monitoring, by month

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id", index=True)
    from_status: LeadStatus | None = Field(default=None, sa_type=enum_type(LeadStatus))
    to_status: LeadStatus = Field(sa_type=enum_type(LeadStatus))
    actor: str = Field(max_length=64)
    actor_role: str = Field(max_length=32)
    reason: str | None = Field(default=None, max_length=500)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class DeadlineKind(StrEnum):
    RESPOND = "respond"  # accept or decline within N working days of the offer
    DECIDE = "decide"  # approve or reject within M working days of accepting


class DeadlineOutcome(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    CANCELLED = "cancelled"  # the need ended before the deadline (withdrawal, whitelist exit)


class LeadDeadline(SQLModel, table=True):
    """A deadline a bank had and how it ended: the monitoring league table reads these."""

    __tablename__ = "lead_deadlines"
    __table_args__ = (
        UniqueConstraint("lead_id", "kind"),
        Index("ix_lead_deadlines_outcome_due", "outcome", "due_at"),
        # the monitoring's incremental refresh: deadlines started or ended since
        Index("ix_lead_deadlines_started_at", "started_at"),
        Index("ix_lead_deadlines_ended_at", "ended_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id")
    lender_code: str = Field(max_length=32, foreign_key="lenders.code", index=True)
    kind: DeadlineKind = Field(sa_type=enum_type(DeadlineKind))
    working_days: int
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    outcome: DeadlineOutcome = Field(
        default=DeadlineOutcome.OPEN, sa_type=enum_type(DeadlineOutcome)
    )
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
