"""The fund's cooperation agreements (合作协议) with banks, one version after another."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type

# Defaults of SPEC §7 and the issue: the fund bears 40 % of the principal lost, a bank's covered
# outstanding is at most 10 × its allocation, claims within 180 days of default, new cover stops
# above a 5 % NPL ratio of the bank's covered loans and resumes below 3 %.
DEFAULT_COMPENSATION_RATIO_BP = 4_000
DEFAULT_LEVERAGE = 10
DEFAULT_ENTERPRISE_CAP_FEN = 5_000_000_00  # 500 万元 of covered outstanding per enterprise
DEFAULT_CLAIM_WINDOW_DAYS = 180
DEFAULT_SUSPENSION_NPL_BP = 500
DEFAULT_REINSTATEMENT_NPL_BP = 300
DEFAULT_SECOND_APPROVAL_ABOVE_FEN = 1_000_000_00  # a payout above 100 万元 needs two approvers


class RiskClass(StrEnum):
    """The five-tier loan-risk classification (贷款风险五级分类), in order of worsening."""

    NORMAL = "normal"  # 正常
    SPECIAL_MENTION = "special_mention"  # 关注
    SUBSTANDARD = "substandard"  # 次级
    DOUBTFUL = "doubtful"  # 可疑
    LOSS = "loss"  # 损失

    @property
    def rank(self) -> int:
        """0 for 正常 up to 4 for 损失: a class is worse than another when its rank is higher."""
        return list(RiskClass).index(self)


RISK_CLASS_LABELS = {
    RiskClass.NORMAL: "正常",
    RiskClass.SPECIAL_MENTION: "关注",
    RiskClass.SUBSTANDARD: "次级",
    RiskClass.DOUBTFUL: "可疑",
    RiskClass.LOSS: "损失",
}
DEFAULT_CLAIMABLE_FROM = RiskClass.SUBSTANDARD  # every defaulted loan is at least 次级


class CooperationAgreement(SQLModel, table=True):
    """One version of a bank's agreement with the fund; a new version replaces it from its
    ``effective_from`` and earlier versions are kept as they were."""

    __tablename__ = "fund_agreements"
    __table_args__ = (
        UniqueConstraint("lender_code", "version"),
        CheckConstraint(
            "compensation_ratio_bp > 0 AND compensation_ratio_bp <= 10000",
            name="ratio_within_whole",
        ),
        CheckConstraint("leverage >= 1", name="leverage_positive"),
        CheckConstraint("allocation_fen >= 0", name="allocation_nonnegative"),
        CheckConstraint("enterprise_cap_fen > 0", name="enterprise_cap_positive"),
        CheckConstraint("claim_window_days > 0", name="claim_window_positive"),
        CheckConstraint(
            "reinstatement_npl_bp < suspension_npl_bp", name="reinstatement_below_suspension"
        ),
        CheckConstraint(
            "expires_on IS NULL OR expires_on >= effective_from", name="expires_after_start"
        ),
        CheckConstraint(
            "premium_match_bp IS NULL OR premium_rate_bp IS NOT NULL", name="match_needs_premium"
        ),
        CheckConstraint(
            "payout_premium_multiple IS NULL OR payout_premium_multiple >= 1",
            name="premium_multiple_positive",
        ),
        CheckConstraint(
            "recovery_notice_days IS NULL OR recovery_notice_days >= 1",
            name="recovery_notice_positive",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    lender_code: str = Field(max_length=32, foreign_key="lenders.code", index=True)
    version: int
    effective_from: date  # the city's calendar day the terms start
    expires_on: date | None = None  # last day of cover under this agreement; None: open-ended
    compensation_ratio_bp: int = DEFAULT_COMPENSATION_RATIO_BP  # the fund's share of the loss
    leverage: int = DEFAULT_LEVERAGE
    allocation_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    enterprise_cap_fen: int = Field(
        default=DEFAULT_ENTERPRISE_CAP_FEN, sa_column=Column(BigInteger, nullable=False)
    )
    # Products whose loans may be covered; empty: every product of the bank marked fund_eligible.
    eligible_product_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    claim_window_days: int = DEFAULT_CLAIM_WINDOW_DAYS
    premium_rate_bp: int | None = None  # a premium on each covered loan, if the fund charges one
    premium_match_bp: int | None = None  # the programme's match of each premium, if any
    period_cap_bp: int | None = None  # a cap on the calendar year's compensation rate, if any
    payout_premium_multiple: int | None = None  # payouts at most this × premiums, if set
    claimable_from: RiskClass = Field(
        default=DEFAULT_CLAIMABLE_FROM, sa_type=enum_type(RiskClass)
    )  # a claim on a loan classed better than this is refused
    recovery_notice_days: int | None = None  # a recovery told later than this is flagged late
    suspension_npl_bp: int = DEFAULT_SUSPENSION_NPL_BP
    reinstatement_npl_bp: int = DEFAULT_REINSTATEMENT_NPL_BP
    second_approval_above_fen: int = Field(
        default=DEFAULT_SECOND_APPROVAL_ABOVE_FEN, sa_column=Column(BigInteger, nullable=False)
    )
    signed_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class CoverRefusal(StrEnum):
    """Why the fund did not cover a loan at its disbursement, as codes a bank's system reads."""

    NO_AGREEMENT = "no_agreement"  # 未签合作协议或协议未生效
    AGREEMENT_EXPIRED = "agreement_expired"  # 合作协议已到期
    PRODUCT_NOT_ELIGIBLE = "product_not_eligible"  # 产品不在基金覆盖范围
    ENTERPRISE_CAP = "enterprise_cap"  # 超过单户覆盖上限
    LEVERAGE_HEADROOM = "leverage_headroom"  # 超过放大倍数下的可覆盖余额
    BANK_SUSPENDED = "bank_suspended"  # 合作银行不良率超过暂停线，新增覆盖暂停


COVER_REFUSAL_LABELS = {
    CoverRefusal.NO_AGREEMENT: "未签合作协议或协议未生效",
    CoverRefusal.AGREEMENT_EXPIRED: "合作协议已到期",
    CoverRefusal.PRODUCT_NOT_ELIGIBLE: "产品不在基金覆盖范围",
    CoverRefusal.ENTERPRISE_CAP: "超过单户覆盖上限",
    CoverRefusal.LEVERAGE_HEADROOM: "超过放大倍数下的可覆盖余额",
    CoverRefusal.BANK_SUSPENDED: "合作银行不良率超过暂停线，新增覆盖暂停",
}


class FundCover(SQLModel, table=True):
    """The fund's decision on one loan, made at its disbursement: covered, or refused and why."""

    __tablename__ = "fund_covers"
    __table_args__ = (
        CheckConstraint(
            "(covered AND refusal IS NULL) OR (NOT covered AND refusal IS NOT NULL)",
            name="covered_or_refused",
        ),
        CheckConstraint("premium_fen >= 0 AND premium_match_fen >= 0", name="premiums_nonnegative"),
        Index("ix_fund_covers_lender_covered", "lender_code", "covered"),
        CheckConstraint("owed_fen >= 0", name="owed_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    loan_id: int = Field(foreign_key="loans.id", unique=True)  # one decision per loan
    lender_code: str = Field(max_length=32, foreign_key="lenders.code")
    uscc: str = Field(max_length=18, index=True)
    agreement_id: int | None = Field(default=None, foreign_key="fund_agreements.id")
    covered: bool
    refusal: CoverRefusal | None = Field(default=None, sa_type=enum_type(CoverRefusal))
    principal_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    premium_fen: int = Field(  # the premium the bank paid into its allocation (保费)
        default=0, sa_column=Column(BigInteger, nullable=False)
    )
    premium_match_fen: int = Field(  # the programme's match of it, from unallocated money
        default=0, sa_column=Column(BigInteger, nullable=False)
    )
    decided_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # The city day the bank registered an earlier loan (registration.py), judged as at that day
    # on what was still owed; None: decided at the loan's disbursement.
    registered_on: date | None = None
    # What this cover last counted in its bank's running position (``position.py``): what is
    # still owed on the loan while the fund covers it and its claim is not written off (else
    # 0), and whether that is non-performing.
    owed_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    non_performing: bool = False


class ClaimStatus(StrEnum):
    """A claim's way: filed → reviewed → (second approval →) approved → paid; or rejected."""

    FILED = "filed"  # 已申报
    REVIEWED = "reviewed"  # 已初审
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval"  # 待复核
    APPROVED = "approved"  # 已批准，资金已预留
    PAID = "paid"  # 已代偿
    WRITTEN_OFF = "written_off"  # 已核销: closed, later recoveries are the bank's alone
    REJECTED = "rejected"  # 不予代偿


CLAIM_STATUS_LABELS = {
    ClaimStatus.FILED: "已申报",
    ClaimStatus.REVIEWED: "已初审",
    ClaimStatus.AWAITING_SECOND_APPROVAL: "待复核",
    ClaimStatus.APPROVED: "已批准",
    ClaimStatus.PAID: "已代偿",
    ClaimStatus.WRITTEN_OFF: "已核销",
    ClaimStatus.REJECTED: "不予代偿",
}


class AmountBound(StrEnum):
    """What set an approved payout: the compensation ratio, or the premium-multiple cap."""

    RATIO = "ratio"  # 代偿比例 × 未还本金
    PREMIUM_MULTIPLE = "premium_multiple"  # 保费倍数上限


AMOUNT_BOUND_LABELS = {
    AmountBound.RATIO: "按代偿比例",
    AmountBound.PREMIUM_MULTIPLE: "受保费倍数上限约束",
}


class FundClaim(SQLModel, table=True):
    """A bank's claim (代偿申请) on the fund for a covered loan's loss; one per loan."""

    __tablename__ = "fund_claims"
    __table_args__ = (
        CheckConstraint("unpaid_principal_fen > 0", name="loss_positive"),
        CheckConstraint("amount_fen IS NULL OR amount_fen > 0", name="amount_positive"),
        CheckConstraint(
            "returned_fen >= 0 AND returned_fen <= COALESCE(amount_fen, 0)",
            name="returned_within_payout",
        ),
        CheckConstraint("days_past_due >= 0", name="days_past_due_nonnegative"),
        CheckConstraint("late_recoveries >= 0", name="late_recoveries_nonnegative"),
        Index("ix_fund_claims_lender_status", "lender_code", "status"),
        # The office's claims list: one status, the longest waiting first.
        Index("ix_fund_claims_status_filed_at", "status", "filed_at"),
        # The caps at each approval: a bank's payouts approved in a year, or ever.
        Index("ix_fund_claims_lender_approved_on", "lender_code", "approved_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cover_id: int = Field(foreign_key="fund_covers.id", unique=True)
    loan_id: int = Field(foreign_key="loans.id", unique=True)
    lender_code: str = Field(max_length=32, foreign_key="lenders.code")
    agreement_id: int = Field(foreign_key="fund_agreements.id")
    status: ClaimStatus = Field(default=ClaimStatus.FILED, sa_type=enum_type(ClaimStatus))
    unpaid_principal_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger))  # the payout
    returned_fen: int = Field(  # the fund's share of recoveries after payment, returned so far
        default=0, sa_column=Column(BigInteger, nullable=False)
    )
    amount_bound: AmountBound | None = Field(default=None, sa_type=enum_type(AmountBound))
    days_past_due: int = 0  # the loan's days past due when the claim was filed
    risk_class: RiskClass = Field(sa_type=enum_type(RiskClass))  # the loan's class at filing
    late_recoveries: int = 0  # recoveries the bank told after the agreement's notice window
    filed_by: str = Field(max_length=64)
    reviewed_by: str | None = Field(default=None, max_length=64)
    approved_by: str | None = Field(default=None, max_length=64)
    second_approved_by: str | None = Field(default=None, max_length=64)
    rejected_by: str | None = Field(default=None, max_length=64)
    rejection_reason: str | None = Field(default=None, max_length=500)
    paid_by: str | None = Field(default=None, max_length=64)
    approved_on: date | None = None  # the city's day the payout was set aside (last approval)
    filed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class FundSuspension(SQLModel, table=True):
    """A stretch during which a bank's new loans are not covered: its covered loans' NPL ratio
    rose above the agreement's suspension line; it ends below the reinstatement line."""

    __tablename__ = "fund_suspensions"

    id: int | None = Field(default=None, primary_key=True)
    lender_code: str = Field(max_length=32, foreign_key="lenders.code", index=True)
    suspended_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    npl_bp: int  # the ratio that crossed the line, basis points
    reinstated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    reinstated_npl_bp: int | None = None


class FundPosition(SQLModel, table=True):
    """A bank's running position with the fund: what is still owed on its covered loans on the
    book, and the non-performing part of it (fen). Kept in the transaction of every change that
    moves it (``position.py``) and proved against the loans by ``xyd fund reconcile``."""

    __tablename__ = "fund_positions"
    __table_args__ = (
        CheckConstraint("covered_outstanding_fen >= 0", name="covered_nonnegative"),
        CheckConstraint(
            "non_performing_fen >= 0 AND non_performing_fen <= covered_outstanding_fen",
            name="non_performing_within_covered",
        ),
    )

    lender_code: str = Field(max_length=32, foreign_key="lenders.code", primary_key=True)
    covered_outstanding_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    non_performing_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class FundCoverYear(SQLModel, table=True):
    """The principal of a bank's loans covered that were disbursed in one city calendar year:
    the base of its period cap (``payout_caps.py``), counted as each cover is made."""

    __tablename__ = "fund_cover_years"
    __table_args__ = (CheckConstraint("covered_principal_fen >= 0", name="principal_nonnegative"),)

    lender_code: str = Field(max_length=32, foreign_key="lenders.code", primary_key=True)
    year: int = Field(primary_key=True)
    covered_principal_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class ForecastTrigger(StrEnum):
    """What started a run-out forecast."""

    SCORE_RUN = "score_run"  # a batch score run finished (after its commit, in a task)
    API = "api"  # POST /api/v1/fund/forecast
    CLI = "cli"  # xyd fund forecast


FORECAST_TRIGGER_LABELS = {
    ForecastTrigger.SCORE_RUN: "评分批次完成后自动更新",
    ForecastTrigger.API: "手动运行",
    ForecastTrigger.CLI: "命令行运行",
}


class FundForecast(SQLModel, table=True):
    """One run of the fund's run-out forecast (资金耗尽预测): when, why, with what parameters
    and inputs, and its headline figures; the months are ``FundForecastMonth`` rows."""

    __tablename__ = "fund_forecasts"
    __table_args__ = (
        CheckConstraint("paths >= 1 AND horizon_months >= 1", name="sizes_positive"),
        CheckConstraint("lgd_bp > 0 AND lgd_bp <= 10000", name="lgd_within_whole"),
        CheckConstraint(
            "runout_probability_bp >= 0 AND runout_probability_bp <= 10000",
            name="probability_within_whole",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    trigger: ForecastTrigger = Field(sa_type=enum_type(ForecastTrigger))
    score_run_id: int | None = Field(default=None, foreign_key="score_runs.id", index=True)
    requested_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    as_of: date  # the city's day of the inputs
    first_month: date  # the first day of forecast month 1 (the month after ``as_of``'s)
    # Parameters
    paths: int
    horizon_months: int
    lgd_bp: int
    unscored_pd_bp: int  # the PD taken for a borrower never scored
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    # Inputs summary
    loans: int  # covered loans on the book with something still owed
    scored_loans: int
    defaulted_loans: int  # in default, not yet paid for: certain claims in month 1
    covered_outstanding_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    capital_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    mean_pd_bp: int  # exposure-weighted mean annual PD of the performing loans
    by_lender: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Headline
    expected_total_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    runout_probability_bp: int
    median_runout_month: int | None = None  # None: the median path lasts past the horizon
    runout_month: date | None = None  # the median path's month, its first day
    duration_ms: int = 0


class FundForecastMonth(SQLModel, table=True):
    """One month of a forecast: expected payout with its 90 % band, cumulative payouts, the
    expected capital left, and the probability capital is gone by then. Money in fen."""

    __tablename__ = "fund_forecast_months"
    __table_args__ = (UniqueConstraint("forecast_id", "month_index"),)

    id: int | None = Field(default=None, primary_key=True)
    forecast_id: int = Field(foreign_key="fund_forecasts.id")
    month_index: int  # 1 = the forecast's first month
    month: date  # its first day
    expected_payout_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    payout_p5_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    payout_p95_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    expected_cumulative_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    cumulative_p5_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    cumulative_p95_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    expected_remaining_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    runout_probability_bp: int
