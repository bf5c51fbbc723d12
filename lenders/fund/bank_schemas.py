"""What crosses the boundary on the bank's side of the fund: loan ids in, fen and yuan out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field

from app.core.ids import MAX_ID
from app.core.money import fen_to_yuan
from lenders.fund.bank_view import ClaimRow, CoverRow, Standing
from lenders.fund.models import (
    CLAIM_STATUS_LABELS,
    COVER_REFUSAL_LABELS,
    ClaimStatus,
    CooperationAgreement,
    CoverRefusal,
)
from lenders.loans.models import LOAN_STATUS_LABELS, LoanStatus

# A loan id as JSON sends it: an integer, never a string or a float, within the id column.
LoanId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID, description="the loan's id")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CoverRegistration(_Body):
    """Ask the fund to cover one of the bank's earlier loans (存量贷款登记)."""

    loan_id: LoanId


class ClaimFiling(_Body):
    """File a claim (代偿申请) on one of the bank's covered, defaulted loans."""

    loan_id: LoanId


class CoverFilters(BaseModel):
    covered: bool | None = Field(default=None, description="true: covered; false: refused")


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else fen_to_yuan(fen)


class CoverPublic(BaseModel):
    """The fund's decision on one of the bank's loans: covered, or refused and why."""

    loan_id: int
    contract_id: str
    uscc: str
    enterprise_name: str | None
    covered: bool
    refusal: CoverRefusal | None
    refusal_label: str | None
    principal_fen: int = Field(description="the principal covered (or refused)")
    principal_yuan: Decimal
    outstanding_fen: int
    outstanding_yuan: Decimal
    loan_status: LoanStatus
    loan_status_label: str
    agreement_version: int | None
    decided_at: datetime
    registered_on: date | None = Field(description="set when the bank registered the loan")

    @classmethod
    def of(cls, row: CoverRow) -> Self:
        cover, loan = row.cover, row.loan
        return cls(
            loan_id=cover.loan_id,
            contract_id=loan.contract_id,
            uscc=loan.uscc,
            enterprise_name=row.enterprise_name,
            covered=cover.covered,
            refusal=cover.refusal,
            refusal_label=COVER_REFUSAL_LABELS[cover.refusal] if cover.refusal else None,
            principal_fen=cover.principal_fen,
            principal_yuan=fen_to_yuan(cover.principal_fen),
            outstanding_fen=loan.outstanding_fen,
            outstanding_yuan=fen_to_yuan(loan.outstanding_fen),
            loan_status=loan.status,
            loan_status_label=LOAN_STATUS_LABELS[loan.status],
            agreement_version=row.agreement_version,
            decided_at=cover.decided_at,
            registered_on=cover.registered_on,
        )


class CoversPublic(BaseModel):
    data: list[CoverPublic]
    count: int


class ClaimPublic(BaseModel):
    """One of the bank's claims with its state and amounts."""

    id: int
    loan_id: int
    contract_id: str
    enterprise_name: str | None
    status: ClaimStatus
    status_label: str
    unpaid_principal_fen: int
    unpaid_principal_yuan: Decimal
    amount_fen: int | None = Field(description="the payout, once approved")
    amount_yuan: Decimal | None
    returned_fen: int = Field(description="the fund's share of later recoveries, returned")
    returned_yuan: Decimal
    rejection_reason: str | None
    filed_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: ClaimRow) -> Self:
        claim = row.claim
        assert claim.id is not None
        return cls(
            id=claim.id,
            loan_id=claim.loan_id,
            contract_id=row.loan.contract_id,
            enterprise_name=row.enterprise_name,
            status=claim.status,
            status_label=CLAIM_STATUS_LABELS[claim.status],
            unpaid_principal_fen=claim.unpaid_principal_fen,
            unpaid_principal_yuan=fen_to_yuan(claim.unpaid_principal_fen),
            amount_fen=claim.amount_fen,
            amount_yuan=_yuan(claim.amount_fen),
            returned_fen=claim.returned_fen,
            returned_yuan=fen_to_yuan(claim.returned_fen),
            rejection_reason=claim.rejection_reason,
            filed_at=claim.filed_at,
            updated_at=claim.updated_at,
        )


class ClaimsPublic(BaseModel):
    data: list[ClaimPublic]
    count: int


class AgreementInForce(BaseModel):
    """The terms of the bank's agreement that govern today."""

    version: int
    effective_from: date
    expires_on: date | None
    allocation_fen: int
    allocation_yuan: Decimal
    compensation_ratio_bp: int
    leverage: int
    enterprise_cap_fen: int
    enterprise_cap_yuan: Decimal
    claim_window_days: int
    suspension_npl_bp: int
    reinstatement_npl_bp: int

    @classmethod
    def of(cls, terms: CooperationAgreement) -> Self:
        return cls(
            **terms.model_dump(
                include={
                    "version",
                    "effective_from",
                    "expires_on",
                    "allocation_fen",
                    "compensation_ratio_bp",
                    "leverage",
                    "enterprise_cap_fen",
                    "claim_window_days",
                    "suspension_npl_bp",
                    "reinstatement_npl_bp",
                }
            ),
            allocation_yuan=fen_to_yuan(terms.allocation_fen),
            enterprise_cap_yuan=fen_to_yuan(terms.enterprise_cap_fen),
        )


class FundSummaryPublic(BaseModel):
    """Where the bank stands with the fund today."""

    lender_code: str
    agreement: AgreementInForce | None
    allocation_left_fen: int
    allocation_left_yuan: Decimal
    headroom_fen: int
    headroom_yuan: Decimal
    covered_outstanding_fen: int
    covered_outstanding_yuan: Decimal
    npl_bp: int = Field(description="covered loans' NPL ratio, basis points")
    suspended: bool = Field(description="new cover stopped: the NPL ratio crossed the line")
    covered_loans: int
    refused_loans: int
    claims: dict[ClaimStatus, int]

    @classmethod
    def of(cls, standing: Standing) -> Self:
        return cls(
            lender_code=standing.lender_code,
            agreement=AgreementInForce.of(standing.agreement) if standing.agreement else None,
            allocation_left_fen=standing.allocation_left_fen,
            allocation_left_yuan=fen_to_yuan(standing.allocation_left_fen),
            headroom_fen=standing.headroom_fen,
            headroom_yuan=fen_to_yuan(standing.headroom_fen),
            covered_outstanding_fen=standing.covered_outstanding_fen,
            covered_outstanding_yuan=fen_to_yuan(standing.covered_outstanding_fen),
            npl_bp=standing.npl_bp,
            suspended=standing.suspended,
            covered_loans=standing.covered_loans,
            refused_loans=standing.refused_loans,
            claims=standing.claims,
        )
