"""Loans (贷款) a bank reports: repayments, days past due, default and recoveries."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class LoanStatus(StrEnum):
    """Where a loan stands; ``defaulted`` and ``repaid`` are final."""

    CURRENT = "current"  # 正常
    OVERDUE = "overdue"  # 逾期: the bank's latest report has days past due > 0
    DEFAULTED = "defaulted"  # 违约
    REPAID = "repaid"  # 已结清


LOAN_STATUS_LABELS = {
    LoanStatus.CURRENT: "正常",
    LoanStatus.OVERDUE: "逾期",
    LoanStatus.DEFAULTED: "违约",
    LoanStatus.REPAID: "已结清",
}


class Loan(SQLModel, table=True):
    """One disbursed loan: the contract, its money in fen, and its standing now."""

    __tablename__ = "loans"
    __table_args__ = (
        # The service gives the clear errors; the database refuses what is never sane.
        UniqueConstraint("lender_code", "contract_id"),
        CheckConstraint("principal_fen > 0", name="principal_positive"),
        CheckConstraint(
            "outstanding_fen >= 0 AND outstanding_fen <= principal_fen",
            name="outstanding_within_principal",
        ),
        CheckConstraint("days_past_due >= 0", name="days_past_due_nonnegative"),
        CheckConstraint("recovered_fen >= 0", name="recovered_nonnegative"),
        Index("ix_loans_lender_status", "lender_code", "status"),
        Index("ix_loans_updated_at", "updated_at"),  # the monitoring's incremental refresh
    )

    id: int | None = Field(default=None, primary_key=True)
    lender_code: str = Field(max_length=32, foreign_key="lenders.code")
    contract_id: str = Field(max_length=64)
    lead_id: int = Field(foreign_key="leads.id", unique=True)
    application_id: int = Field(foreign_key="applications.id")
    product_id: int = Field(foreign_key="loan_products.id")
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc", index=True)
    principal_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    rate_bp: int  # annual, basis points: 350 is 3.50%
    term_months: int
    disbursed_on: date  # business dates are the city's (Asia/Shanghai) calendar days
    maturity_on: date
    first_loan: bool  # 首贷: the enterprise's first loan recorded on the platform
    status: LoanStatus = Field(default=LoanStatus.CURRENT, sa_type=enum_type(LoanStatus))
    outstanding_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    days_past_due: int = 0
    dpd_as_of: date | None = None  # the date of the report ``days_past_due`` comes from
    defaulted_on: date | None = None
    outstanding_at_default_fen: int | None = Field(default=None, sa_column=Column(BigInteger))
    recovered_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class LoanRepayment(SQLModel, table=True):
    """One month's repayment; a period is reported once per loan."""

    __tablename__ = "loan_repayments"
    __table_args__ = (
        UniqueConstraint("loan_id", "period"),
        CheckConstraint("principal_fen >= 0 AND interest_fen >= 0", name="amounts_nonnegative"),
        # the monitoring's incremental refresh: rows written since, and periods from a month on
        Index("ix_loan_repayments_created_at", "created_at"),
        Index("ix_loan_repayments_period", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    loan_id: int = Field(foreign_key="loans.id")  # the unique (loan_id, period) indexes it
    period: str = Field(max_length=7)  # "YYYY-MM"
    paid_on: date
    principal_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    interest_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    outstanding_after_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    reported_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class DelinquencyReport(SQLModel, table=True):
    """Days past due as a bank reported them on a date; every report is kept (the labels)."""

    __tablename__ = "loan_delinquency_reports"
    __table_args__ = (
        CheckConstraint("days_past_due >= 0", name="days_past_due_nonnegative"),
        Index("ix_loan_delinquency_reports_loan_as_of", "loan_id", "as_of"),
    )

    id: int | None = Field(default=None, primary_key=True)
    loan_id: int = Field(foreign_key="loans.id")
    as_of: date
    days_past_due: int
    reported_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class LoanRecovery(SQLModel, table=True):
    """Money recovered on a defaulted loan; their sum never exceeds the outstanding at default."""

    __tablename__ = "loan_recoveries"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    loan_id: int = Field(foreign_key="loans.id", index=True)
    recovered_on: date
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    reported_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
