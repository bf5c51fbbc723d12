"""What crosses the boundary for loans: money in yuan strings in, fen and yuan out; local dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field

from app.core.money import Yuan, YuanOrZero, fen_to_yuan, yuan_to_fen
from lenders.loans.models import (
    LOAN_STATUS_LABELS,
    DelinquencyReport,
    Loan,
    LoanRecovery,
    LoanRepayment,
    LoanStatus,
)
from lenders.products.schemas import Rate, Term

MAX_DAYS_PAST_DUE = 36_500  # a hundred years: anything above is a typing slip
PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# Contract numbers are the bank's own, often Chinese (湖银2026借字第001号); no control characters.
CONTRACT_PATTERN = r"^[^\x00-\x1f\x7f]+$"


ContractId = Annotated[str, Field(min_length=1, max_length=64, pattern=CONTRACT_PATTERN)]
Period = Annotated[str, Field(pattern=PERIOD_PATTERN, description='repayment month, "YYYY-MM"')]
DaysPastDue = Annotated[int, Field(ge=0, le=MAX_DAYS_PAST_DUE)]


class _Body(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class DisbursementCreate(_Body):
    """A bank's report that it paid out an approved lead's loan (放款)."""

    contract_id: ContractId = Field(description="借款合同编号, unique among the bank's loans")
    disbursed_on: date = Field(description="放款日 (a China calendar day, not in the future)")
    amount_yuan: Yuan = Field(description='放款金额 in yuan, e.g. "500000.00"; ≤ the approved')
    rate_bp: Rate | None = Field(default=None, description="annual rate; default the approved")
    term_months: Term | None = Field(default=None, description="default the approved term")
    maturity_on: date | None = Field(default=None, description="default disbursed + term")

    @property
    def amount_fen(self) -> int:
        return yuan_to_fen(self.amount_yuan)


class RepaymentCreate(_Body):
    """One month's repayment (还款) of principal and interest."""

    period: Period
    paid_on: date
    principal_yuan: YuanOrZero = Field(description="本金 in yuan; at most the outstanding")
    interest_yuan: YuanOrZero = Field(description="利息 in yuan")

    @property
    def principal_fen(self) -> int:
        return yuan_to_fen(self.principal_yuan)

    @property
    def interest_fen(self) -> int:
        return yuan_to_fen(self.interest_yuan)


class DelinquencyCreate(_Body):
    """Days past due (逾期天数) on a date, as the bank's books show them."""

    as_of: date
    days_past_due: DaysPastDue


class DefaultCreate(_Body):
    """The bank declares the loan in default (违约); once only."""

    defaulted_on: date
    outstanding_yuan: Yuan | None = Field(
        default=None, description="principal outstanding at default; default the platform's"
    )

    @property
    def outstanding_fen(self) -> int | None:
        return None if self.outstanding_yuan is None else yuan_to_fen(self.outstanding_yuan)


class RecoveryCreate(_Body):
    """Money recovered (回收) after default."""

    recovered_on: date
    amount_yuan: Yuan

    @property
    def amount_fen(self) -> int:
        return yuan_to_fen(self.amount_yuan)


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else fen_to_yuan(fen)


class LoanPublic(BaseModel):
    """A loan; every amount as integer fen and as a yuan string."""

    id: int
    lender_code: str
    contract_id: str
    lead_id: int
    application_id: int
    product_id: int
    uscc: str
    principal_fen: int
    principal_yuan: Decimal
    rate_bp: int
    term_months: int
    disbursed_on: date
    maturity_on: date
    first_loan: bool
    status: LoanStatus
    status_label: str
    outstanding_fen: int
    outstanding_yuan: Decimal
    days_past_due: int
    dpd_as_of: date | None
    defaulted_on: date | None
    outstanding_at_default_fen: int | None
    outstanding_at_default_yuan: Decimal | None
    recovered_fen: int
    recovered_yuan: Decimal
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, loan: Loan) -> Self:
        """The public view, with the yuan amounts and the Chinese label filled in."""
        assert loan.id is not None
        return cls(
            **loan.model_dump(),
            principal_yuan=fen_to_yuan(loan.principal_fen),
            status_label=LOAN_STATUS_LABELS[loan.status],
            outstanding_yuan=fen_to_yuan(loan.outstanding_fen),
            outstanding_at_default_yuan=_yuan(loan.outstanding_at_default_fen),
            recovered_yuan=fen_to_yuan(loan.recovered_fen),
        )


class RepaymentPublic(BaseModel):
    id: int
    period: str
    paid_on: date
    principal_fen: int
    principal_yuan: Decimal
    interest_fen: int
    interest_yuan: Decimal
    outstanding_after_fen: int
    outstanding_after_yuan: Decimal
    created_at: datetime

    @classmethod
    def of(cls, row: LoanRepayment) -> Self:
        return cls(
            **row.model_dump(),
            principal_yuan=fen_to_yuan(row.principal_fen),
            interest_yuan=fen_to_yuan(row.interest_fen),
            outstanding_after_yuan=fen_to_yuan(row.outstanding_after_fen),
        )


class DelinquencyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    as_of: date
    days_past_due: int
    created_at: datetime


class RecoveryPublic(BaseModel):
    id: int
    recovered_on: date
    amount_fen: int
    amount_yuan: Decimal
    created_at: datetime

    @classmethod
    def of(cls, row: LoanRecovery) -> Self:
        return cls(**row.model_dump(), amount_yuan=fen_to_yuan(row.amount_fen))


class LoanDetail(LoanPublic):
    """A loan with its repayments, days-past-due reports and recoveries, oldest first."""

    repayments: list[RepaymentPublic] = Field(default_factory=list)
    delinquency_reports: list[DelinquencyPublic] = Field(default_factory=list)
    recoveries: list[RecoveryPublic] = Field(default_factory=list)

    @classmethod
    def with_history(
        cls,
        loan: Loan,
        *,
        repayments: list[LoanRepayment],
        reports: list[DelinquencyReport],
        recoveries: list[LoanRecovery],
    ) -> Self:
        return cls.model_validate(LoanPublic.of(loan).model_dump()).model_copy(
            update={
                "repayments": [RepaymentPublic.of(r) for r in repayments],
                "delinquency_reports": [DelinquencyPublic.model_validate(r) for r in reports],
                "recoveries": [RecoveryPublic.of(r) for r in recoveries],
            }
        )


class LoansPublic(BaseModel):
    data: list[LoanPublic]
    count: int


class OwnLoanFilters(BaseModel):
    """A bank's own loans."""

    status: LoanStatus | None = None
    first_loan: bool | None = Field(default=None, description="首贷 only, or none of them")


class LoanFilters(OwnLoanFilters):
    """The office's view of every bank's loans."""

    lender_code: str | None = Field(default=None, max_length=32)
    uscc: str | None = Field(default=None, max_length=18)
