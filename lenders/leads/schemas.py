"""What crosses the boundary for leads: summaries, the full lead, and a bank's answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.ids import RowId
from app.core.money import Yuan, fen_to_yuan, yuan_to_fen
from lenders.leads.models import (
    DECLINE_REASON_LABELS,
    LEAD_STATUS_LABELS,
    DeadlineKind,
    DeadlineOutcome,
    DeclineReason,
    Lead,
    LeadDeadline,
    LeadStatus,
    LeadTransition,
)
from lenders.matching.models import Match

NOTE_MAX_LENGTH = 500


class LeadSummary(BaseModel):
    id: int
    application_id: int
    product_id: int
    lender_code: str
    uscc: str
    status: LeadStatus
    status_name: str
    offered_at: datetime
    respond_by: datetime
    responded_at: datetime | None
    decide_by: datetime | None
    decided_at: datetime | None
    decline_reason: DeclineReason | None
    decline_reason_name: str | None
    note: str | None
    approved_amount_yuan: str | None
    approved_rate_bp: int | None
    approved_term_months: int | None

    @classmethod
    def of(cls, lead: Lead) -> LeadSummary:
        assert lead.id is not None
        return cls(
            id=lead.id,
            application_id=lead.application_id,
            product_id=lead.product_id,
            lender_code=lead.lender_code,
            uscc=lead.uscc,
            status=lead.status,
            status_name=LEAD_STATUS_LABELS[lead.status],
            offered_at=lead.offered_at,
            respond_by=lead.respond_by,
            responded_at=lead.responded_at,
            decide_by=lead.decide_by,
            decided_at=lead.decided_at,
            decline_reason=lead.decline_reason,
            decline_reason_name=DECLINE_REASON_LABELS.get(lead.decline_reason)
            if lead.decline_reason
            else None,
            note=lead.note,
            approved_amount_yuan=None
            if lead.approved_amount_fen is None
            else str(fen_to_yuan(lead.approved_amount_fen)),
            approved_rate_bp=lead.approved_rate_bp,
            approved_term_months=lead.approved_term_months,
        )


class LeadTransitionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: LeadStatus | None
    to_status: LeadStatus
    actor: str
    actor_role: str
    reason: str | None
    at: datetime


class LeadDeadlinePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: DeadlineKind
    working_days: int
    started_at: datetime
    due_at: datetime
    outcome: DeadlineOutcome
    ended_at: datetime | None


class EnterpriseContact(BaseModel):
    """How the bank reaches the enterprise: the registry's contact phone, whole."""

    phone: str = Field(description="企业联系电话, as the registry holds it (e.g. 13812345678)")
    source: str = Field(default="registry", description="where the platform has it from")
    authorization_id: int | None = Field(description="the grant it is shown under")


class LeadDetail(LeadSummary):
    payload: dict[str, Any] = Field(description="exactly what the bank was sent with the offer")
    transitions: list[LeadTransitionPublic]
    deadlines: list[LeadDeadlinePublic]
    contact: EnterpriseContact | None = Field(
        default=None,
        description="the enterprise's contact, for its bank only and only while the "
        "enterprise's consent for that bank is in force (read live, never in the payload); "
        "null when the registry holds none, and in staff views",
    )

    @classmethod
    def full(
        cls,
        lead: Lead,
        *,
        transitions: list[LeadTransition],
        deadlines: list[LeadDeadline],
        contact: EnterpriseContact | None = None,
    ) -> LeadDetail:
        return cls(
            **LeadSummary.of(lead).model_dump(),
            payload=lead.payload,
            transitions=[LeadTransitionPublic.model_validate(t) for t in transitions],
            deadlines=[LeadDeadlinePublic.model_validate(d) for d in deadlines],
            contact=contact,
        )


class LeadsPublic(BaseModel):
    data: list[LeadSummary]
    count: int


class LeadFilters(BaseModel):
    """Query filters; paging (offset, limit) comes alongside, so other parameters are allowed."""

    status: LeadStatus | None = None
    application_id: RowId | None = None


class StaffLeadFilters(LeadFilters):
    lender_code: str | None = Field(default=None, max_length=32)


class DeclineRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: DeclineReason = Field(description="a code of the fixed list (其他 needs a note)")
    note: str | None = Field(default=None, max_length=NOTE_MAX_LENGTH)


class ApprovalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_yuan: Yuan = Field(description='批准金额 in yuan, e.g. "400000.00"')
    rate_bp: int = Field(ge=1, le=10_000, description="annual rate in basis points: 385 is 3.85%")
    term_months: int = Field(ge=1, le=360)

    @property
    def amount_fen(self) -> int:
        return yuan_to_fen(self.amount_yuan)


class RejectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(default=None, max_length=NOTE_MAX_LENGTH)


class MatchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: int
    lender_code: str
    rank: int
    score: int
    chosen: bool
    reasons: list[dict[str, Any]]

    @classmethod
    def of(cls, match: Match) -> MatchPublic:
        return cls.model_validate(match)
