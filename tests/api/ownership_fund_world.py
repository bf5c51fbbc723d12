"""The fund's part of the ownership matrix's world: bank A's agreement, its covered loans that
defaulted (one claimed, one not yet), a small run-out forecast, and the month whose statement
is asked for."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.audit.service import SystemActor
from lenders.fund import agreements, capital, claims, forecast
from lenders.fund.forecast import ForecastParameters
from lenders.fund.models import ForecastTrigger
from lenders.fund.schemas import AgreementTerms, ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import service as loan_service
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.models import Loan
from lenders.loans.schemas import DefaultCreate, DisbursementCreate
from lenders.products.models import LoanProduct
from tests.lenders.loans import helpers as loans

OFFICE = SystemActor("office-test")


def fund_world(db: Session, bank_a: Lender) -> dict[str, Any]:
    """Bank A's fund objects, made after the world's own loans (refused: no agreement then)."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="w", actor=OFFICE)
    terms = AgreementTerms.model_validate(
        {"effective_from": loans.days_ago(90), "allocation_yuan": "100000"}
    )
    agreements.sign(db, lender_code=bank_a.code, terms=terms, actor=OFFICE)
    claimable, claimed = (covered_loan(db, bank_a) for _ in range(2))
    default = DefaultCreate.model_validate({"defaulted_on": loans.days_ago(2).isoformat()})
    for loan in (claimable, claimed):
        servicing.declare_default(db, loan=loan, data=default, actor=loans.BANK)
    assert claimed.id is not None
    claim = claims.file(
        db, loan_id=claimed.id, lender_code=bank_a.code, actor=loans.BANK, today=today()
    )
    small = ForecastParameters(paths=100, horizon_months=3, lgd_bp=6000, unscored_pd_bp=500, seed=1)
    forecast.run(db, trigger=ForecastTrigger.API, actor=OFFICE, parameters=small)
    return {
        "bank_a_code": bank_a.code,
        "claimable_loan": claimable.id,
        "fund_claim": claim.id,
        "month": today().strftime("%Y-%m"),
        # the office's cases name them so
        "fund_bank": bank_a.code,
        "claim": claim.id,
    }


def covered_loan(db: Session, bank: Lender) -> Loan:
    """A loan of 400,000 yuan under a fund-eligible product: the fund covers it at once."""
    approved = loans.approved_lead(db, lender=bank)
    product = db.get(LoanProduct, approved.lead.product_id)
    assert product is not None
    product.fund_eligible = True
    db.add(product)
    data = DisbursementCreate.model_validate(loans.disbursement())
    return loan_service.disburse(db, lead=approved.lead, data=data, actor=loans.BANK)
