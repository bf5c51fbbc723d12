"""What the office's fund routes answer: every amount as integer fen and as a yuan string."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from pydantic import BaseModel, Field

from app.audit.models import AuditEvent
from app.core.money import fen_to_yuan
from lenders.fund import office_view
from lenders.fund.ledger.models import LedgerTransfer
from lenders.fund.models import (
    CLAIM_STATUS_LABELS,
    ClaimStatus,
    CooperationAgreement,
    FundSuspension,
)


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else fen_to_yuan(fen)


def _money(**amounts: int | None) -> dict[str, Any]:
    """``name_fen`` and ``name_yuan`` for each ``name_fen=…`` given."""
    out: dict[str, Any] = {}
    for name, fen in amounts.items():
        out[name] = fen
        out[name.removesuffix("_fen") + "_yuan"] = _yuan(fen)
    return out


class ContributionPublic(BaseModel):
    """A contribution's journal entry (出资)."""

    transfer_id: int
    contributor: str
    amount_fen: int
    amount_yuan: Decimal
    posted_by: str
    posted_at: datetime

    @classmethod
    def of(cls, transfer: LedgerTransfer, *, contributor: str) -> Self:
        assert transfer.id is not None
        return cls(
            transfer_id=transfer.id,
            contributor=contributor,
            posted_by=transfer.posted_by,
            posted_at=transfer.posted_at,
            **_money(amount_fen=transfer.amount_fen),
        )


class CapitalPublic(BaseModel):
    contributor: str
    amount_fen: int
    amount_yuan: Decimal


class PositionPublic(BaseModel):
    capital: list[CapitalPublic]
    total_capital_fen: int
    total_capital_yuan: Decimal
    unallocated_fen: int
    unallocated_yuan: Decimal
    allocated_fen: int = Field(description="what is left of the banks' allocations")
    allocated_yuan: Decimal
    reserved_fen: int = Field(description="set aside for approved claims, not yet paid")
    reserved_yuan: Decimal
    paid_fen: int
    paid_yuan: Decimal
    recovered_fen: int = Field(description="the fund's share of recoveries after payouts")
    recovered_yuan: Decimal

    @classmethod
    def of(cls, p: office_view.Position) -> Self:
        return cls(
            capital=[
                CapitalPublic(contributor=c, amount_fen=f, amount_yuan=fen_to_yuan(f))
                for c, f in sorted(p.capital_fen.items())
            ],
            **_money(
                total_capital_fen=p.total_capital_fen,
                unallocated_fen=p.unallocated_fen,
                allocated_fen=p.allocated_fen,
                reserved_fen=p.reserved_fen,
                paid_fen=p.paid_fen,
                recovered_fen=p.recovered_fen,
            ),
        )


class AgreementPublic(BaseModel):
    """One version of a bank's cooperation agreement (合作协议)."""

    id: int
    lender_code: str
    version: int
    effective_from: date
    expires_on: date | None
    compensation_ratio_bp: int
    leverage: int
    allocation_fen: int
    allocation_yuan: Decimal
    enterprise_cap_fen: int
    enterprise_cap_yuan: Decimal
    eligible_product_ids: list[int]
    claim_window_days: int
    premium_rate_bp: int | None
    period_cap_bp: int | None
    suspension_npl_bp: int
    reinstatement_npl_bp: int
    second_approval_above_fen: int
    second_approval_above_yuan: Decimal
    signed_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: CooperationAgreement) -> Self:
        fields = row.model_dump()
        money = _money(
            allocation_fen=fields.pop("allocation_fen"),
            enterprise_cap_fen=fields.pop("enterprise_cap_fen"),
            second_approval_above_fen=fields.pop("second_approval_above_fen"),
        )
        return cls(**fields, **money)


class AgreementsPublic(BaseModel):
    data: list[AgreementPublic]
    count: int


class BankFundPublic(BaseModel):
    """A bank under the fund: the version in force, leverage and NPL against its lines."""

    lender_code: str
    lender_name: str
    agreement: AgreementPublic | None = Field(description="the version in force today, if any")
    latest_version: int
    allocation_left_fen: int
    allocation_left_yuan: Decimal
    covered_outstanding_fen: int
    covered_outstanding_yuan: Decimal
    headroom_fen: int
    headroom_yuan: Decimal
    leverage_used_bp: int | None
    npl_bp: int
    suspension_npl_bp: int
    reinstatement_npl_bp: int
    suspended: bool
    reserved_fen: int
    reserved_yuan: Decimal
    paid_fen: int
    paid_yuan: Decimal
    recovered_fen: int
    recovered_yuan: Decimal
    open_claims: int
    oldest_open_age_days: int | None

    @classmethod
    def of(cls, b: office_view.BankFund) -> Self:
        return cls(
            lender_code=b.lender_code,
            lender_name=b.lender_name,
            agreement=AgreementPublic.of(b.agreement) if b.agreement else None,
            latest_version=b.latest_version,
            leverage_used_bp=b.leverage_used_bp,
            npl_bp=b.npl_bp,
            suspension_npl_bp=b.suspension_npl_bp,
            reinstatement_npl_bp=b.reinstatement_npl_bp,
            suspended=b.suspended,
            open_claims=b.open_claims,
            oldest_open_age_days=b.oldest_open_age_days,
            **_money(
                allocation_left_fen=b.allocation_left_fen,
                covered_outstanding_fen=b.covered_outstanding_fen,
                headroom_fen=b.headroom_fen,
                reserved_fen=b.reserved_fen,
                paid_fen=b.paid_fen,
                recovered_fen=b.recovered_fen,
            ),
        )


class StatusFiguresPublic(BaseModel):
    status: ClaimStatus
    status_label: str
    count: int
    unpaid_principal_fen: int
    unpaid_principal_yuan: Decimal
    amount_fen: int
    amount_yuan: Decimal
    oldest_age_days: int | None


class PipelinePublic(BaseModel):
    by_status: list[StatusFiguresPublic]
    open_count: int = Field(description="filed, reviewed, awaiting a second approval, approved")
    oldest_open_age_days: int | None

    @classmethod
    def of(cls, p: office_view.Pipeline) -> Self:
        return cls(
            by_status=[
                StatusFiguresPublic(
                    status=s.status,
                    status_label=CLAIM_STATUS_LABELS[s.status],
                    count=s.count,
                    oldest_age_days=s.oldest_age_days,
                    **_money(unpaid_principal_fen=s.unpaid_principal_fen, amount_fen=s.amount_fen),
                )
                for s in p.by_status
            ],
            open_count=p.open_count,
            oldest_open_age_days=p.oldest_open_age_days,
        )


class FundOverviewPublic(BaseModel):
    """The fund as of ``today`` (the city's calendar day)."""

    today: date
    position: PositionPublic
    banks: list[BankFundPublic]
    pipeline: PipelinePublic

    @classmethod
    def of(cls, o: office_view.Overview) -> Self:
        return cls(
            today=o.today,
            position=PositionPublic.of(o.position),
            banks=[BankFundPublic.of(b) for b in o.banks],
            pipeline=PipelinePublic.of(o.pipeline),
        )


class ClaimPublic(BaseModel):
    """A claim (代偿申请) with its age in city calendar days since filing."""

    id: int
    loan_id: int
    lender_code: str
    lender_name: str
    agreement_id: int
    status: ClaimStatus
    status_label: str
    age_days: int
    unpaid_principal_fen: int
    unpaid_principal_yuan: Decimal
    amount_fen: int | None
    amount_yuan: Decimal | None
    returned_fen: int
    returned_yuan: Decimal
    filed_by: str
    reviewed_by: str | None
    approved_by: str | None
    second_approved_by: str | None
    rejected_by: str | None
    rejection_reason: str | None
    paid_by: str | None
    filed_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: office_view.ClaimRow) -> Self:
        fields = row.claim.model_dump(exclude={"cover_id"})
        money = _money(
            unpaid_principal_fen=fields.pop("unpaid_principal_fen"),
            amount_fen=fields.pop("amount_fen"),
            returned_fen=fields.pop("returned_fen"),
        )
        return cls(
            **fields,
            **money,
            lender_name=row.lender_name,
            status_label=CLAIM_STATUS_LABELS[row.claim.status],
            age_days=row.age_days,
        )


class ClaimsPublic(BaseModel):
    data: list[ClaimPublic]
    count: int


class ClaimStepPublic(BaseModel):
    """One audited step of a claim: who did what, when."""

    action: str
    actor: str
    at: datetime
    status: str | None
    rejection_reason: str | None

    @classmethod
    def of(cls, event: AuditEvent) -> Self:
        return cls(
            action=event.action,
            actor=event.actor,
            at=event.at,
            status=event.detail.get("status"),
            rejection_reason=event.detail.get("rejection_reason"),
        )


class ClaimDetail(ClaimPublic):
    steps: list[ClaimStepPublic] = Field(default_factory=list, description="oldest first")


class ClaimFilters(BaseModel):
    """The office's claims list: one status, one bank, or all."""

    status: ClaimStatus | None = None
    lender_code: str | None = Field(default=None, min_length=1, max_length=32)


class SuspensionPublic(BaseModel):
    id: int
    lender_code: str
    suspended_at: datetime
    npl_bp: int
    reinstated_at: datetime | None
    reinstated_npl_bp: int | None

    @classmethod
    def of(cls, row: FundSuspension) -> Self:
        return cls.model_validate(row.model_dump())


class SuspensionsPublic(BaseModel):
    """A bank's stretches without new cover, oldest first, and where its ratio stands now."""

    data: list[SuspensionPublic]
    count: int
    suspended: bool
    npl_bp: int
    suspension_npl_bp: int | None
    reinstatement_npl_bp: int | None

    @classmethod
    def of(cls, found: office_view.Suspensions) -> Self:
        return cls(
            data=[SuspensionPublic.of(r) for r in found.rows],
            count=len(found.rows),
            suspended=any(r.reinstated_at is None for r in found.rows),
            npl_bp=found.npl_bp,
            suspension_npl_bp=found.agreement.suspension_npl_bp if found.agreement else None,
            reinstatement_npl_bp=found.agreement.reinstatement_npl_bp if found.agreement else None,
        )


def claim_detail(row: office_view.ClaimRow, steps: list[AuditEvent]) -> ClaimDetail:
    return ClaimDetail(
        **ClaimPublic.of(row).model_dump(), steps=[ClaimStepPublic.of(e) for e in steps]
    )
