"""Every table of the platform, imported in one place for Alembic and the test suite."""

from app.accounts.models import ApiKey, Notice, Registration, RevokedToken, User
from app.applications.models import ApplicationTransition, FinancingApplication
from app.audit.models import AuditEvent
from app.consent.models import Authorization
from app.core.models import IdempotencyKey, TaskReceipt, ThrottleHit
from app.enterprises.models import Enterprise, UsccReview
from app.monitoring.models import (
    MonitoringCell,
    MonitoringFigure,
    MonitoringRefresh,
    MonitoringTarget,
)
from app.ops.models import ProbeAttempt, ProbeRun
from app.outbox.models import OutboxEvent
from lenders.delivery.models import DeliveryAttempt, WebhookEndpoint, WebhookSecret
from lenders.fund.ledger.models import LedgerAccount, LedgerTransfer
from lenders.fund.models import (
    CooperationAgreement,
    FundClaim,
    FundCover,
    FundForecast,
    FundForecastMonth,
    FundSuspension,
)
from lenders.institutions.models import Lender
from lenders.leads.models import Lead, LeadDeadline, LeadTransition
from lenders.loans.models import DelinquencyReport, Loan, LoanRecovery, LoanRepayment
from lenders.matching.models import Match
from lenders.products.models import LoanProduct
from scoring.registry.models import ModelVersion
from scoring.scores.models import Score, ScoreRun
from scoring.sources.models import CreditEvent, RejectedRow, SourceBatch
from whitelist.models import (
    WhitelistChange,
    WhitelistMember,
    WhitelistPolicy,
    WhitelistVersion,
)

__all__ = [
    "ApiKey",
    "ApplicationTransition",
    "AuditEvent",
    "Authorization",
    "CooperationAgreement",
    "CreditEvent",
    "DelinquencyReport",
    "DeliveryAttempt",
    "Enterprise",
    "FinancingApplication",
    "FundClaim",
    "FundCover",
    "FundForecast",
    "FundForecastMonth",
    "FundSuspension",
    "IdempotencyKey",
    "Lead",
    "LeadDeadline",
    "LeadTransition",
    "LedgerAccount",
    "LedgerTransfer",
    "Lender",
    "Loan",
    "LoanProduct",
    "LoanRecovery",
    "LoanRepayment",
    "Match",
    "ModelVersion",
    "MonitoringCell",
    "MonitoringFigure",
    "MonitoringRefresh",
    "MonitoringTarget",
    "Notice",
    "OutboxEvent",
    "ProbeAttempt",
    "ProbeRun",
    "Registration",
    "RejectedRow",
    "RevokedToken",
    "Score",
    "ScoreRun",
    "SourceBatch",
    "TaskReceipt",
    "ThrottleHit",
    "UsccReview",
    "User",
    "WebhookEndpoint",
    "WebhookSecret",
    "WhitelistChange",
    "WhitelistMember",
    "WhitelistPolicy",
    "WhitelistVersion",
]
