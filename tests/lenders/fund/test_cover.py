"""Cover at disbursement: the fund decides in the loan's own transaction, through the loans
area's event, and refuses with the first reason that applies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core import events
from lenders.fund import agreements, capital, cover
from lenders.fund.handlers import cover_at_disbursement
from lenders.fund.models import CoverRefusal, FundCover
from lenders.fund.repository import cover_of
from lenders.fund.schemas import AgreementTerms, ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import service as loan_service
from lenders.loans.events import LoanDisbursed
from lenders.loans.models import Loan
from lenders.loans.schemas import DisbursementCreate
from lenders.products.models import LoanProduct
from tests.factories import make_enterprise, make_lender
from tests.lenders.loans.helpers import BANK, approved_lead, days_ago, disbursement

OFFICE = SystemActor("office-test")


def sign(db: Session, bank: Lender, **changes: Any) -> None:
    fields = {"effective_from": days_ago(90), "allocation_yuan": "100000", **changes}
    agreements.sign(
        db, lender_code=bank.code, terms=AgreementTerms.model_validate(fields), actor=OFFICE
    )


@pytest.fixture
def bank(db: Session) -> Lender:
    """A bank with an agreement (allocation 100,000 yuan × leverage 10) from a fund of 1 million."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="seed", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender)
    return lender


def disburse(
    db: Session, bank: Lender, *, yuan: str = "400000.00", eligible: bool = True, **more: Any
) -> Loan:
    approved = approved_lead(db, lender=bank, enterprise=more.pop("enterprise", None))
    product = db.get(LoanProduct, approved.lead.product_id)
    assert product is not None
    product.fund_eligible = eligible
    db.add(product)
    data = DisbursementCreate.model_validate(disbursement(amount_yuan=yuan, **more))
    return loan_service.disburse(db, lead=approved.lead, data=data, actor=BANK)


def decision(db: Session, loan: Loan) -> FundCover:
    assert loan.id is not None
    found = cover_of(db, loan.id)
    assert found is not None, "every disbursed loan has the fund's decision"
    return found


def test_the_fund_subscribes_to_disbursements() -> None:
    assert cover_at_disbursement in events.subscribers()[LoanDisbursed]


def test_an_eligible_loan_within_every_limit_is_covered_at_once(db: Session, bank: Lender) -> None:
    loan = disburse(db, bank)
    made = decision(db, loan)
    assert made.covered and made.refusal is None and made.principal_fen == 40_000_000
    assert made.agreement_id is not None
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "fund.cover")).all()
    assert [(e.subject_id, e.detail["loan_id"]) for e in audited] == [(str(made.id), loan.id)]


def test_a_product_outside_the_fund_is_refused(db: Session, bank: Lender) -> None:
    made = decision(db, disburse(db, bank, eligible=False))
    assert not made.covered and made.refusal is CoverRefusal.PRODUCT_NOT_ELIGIBLE


def test_an_enterprise_beyond_its_cap_is_refused(db: Session) -> None:
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="s", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender, enterprise_cap_yuan="500000")
    firm = make_enterprise(db)
    assert decision(db, disburse(db, lender, enterprise=firm)).covered
    second = decision(db, disburse(db, lender, enterprise=firm, yuan="100000.01"))
    assert second.refusal is CoverRefusal.ENTERPRISE_CAP
    assert decision(db, disburse(db, lender, enterprise=firm, yuan="100000.00")).covered


def test_the_bank_s_leverage_headroom_is_used_up_then_refused(db: Session, bank: Lender) -> None:
    made = [decision(db, disburse(db, bank, yuan="400000.00")) for _ in range(3)]
    assert [m.covered for m in made] == [True, True, False]  # 10 × 100,000 = 1,000,000 yuan
    assert made[2].refusal is CoverRefusal.LEVERAGE_HEADROOM
    terms = agreements.in_force(db, lender_code=bank.code, on=days_ago(0))
    assert cover.headroom_fen(db, agreement=terms) == 20_000_000  # 200,000 yuan still open


def test_no_agreement_or_an_expired_one_covers_nothing(db: Session) -> None:
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="s", actor=OFFICE)
    without = make_lender(db)
    assert decision(db, disburse(db, without)).refusal is CoverRefusal.NO_AGREEMENT
    lapsed = make_lender(db)
    sign(db, lapsed, expires_on=days_ago(70))
    assert decision(db, disburse(db, lapsed)).refusal is CoverRefusal.AGREEMENT_EXPIRED


def test_deciding_again_returns_the_first_decision(db: Session, bank: Lender) -> None:
    loan = disburse(db, bank)
    assert loan.id is not None
    first = decision(db, loan)
    again = cover.decide(
        db,
        loan_id=loan.id,
        lender_code=bank.code,
        uscc=loan.uscc,
        product_id=loan.product_id,
        principal_fen=loan.principal_fen,
        on=loan.disbursed_on + timedelta(days=1),
    )
    assert again.id == first.id
    assert len(db.exec(select(FundCover)).all()) == 1
