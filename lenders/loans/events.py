"""Events of loans (贷款)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.events import Event


@dataclass(frozen=True)
class LoanDisbursed(Event):
    """A bank reported an approved lead's loan paid out; the loan row exists in the session."""

    loan_id: int
    lender_code: str
    uscc: str
    product_id: int
    principal_fen: int
    disbursed_on: date  # the city's calendar day


@dataclass(frozen=True)
class LoanRecovered(Event):
    """A bank reported money recovered on a defaulted loan; the recovery row exists."""

    loan_id: int
    recovery_id: int
    lender_code: str
    amount_fen: int
    recovered_on: date  # the city's calendar day the money came back
    reported_on: date  # the city's calendar day the bank told the platform


@dataclass(frozen=True)
class LoanStatusChanged(Event):
    """A bank's report moved a loan's standing (days past due, default, repaid)."""

    loan_id: int
    lender_code: str
    status: str  # lenders.loans.models.LoanStatus's value
