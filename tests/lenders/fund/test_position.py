"""Running positions: each bank's covered outstanding and its non-performing part move with
every change of its covered loans, in the change's own transaction, and always equal the
sums over the loans; ``drift`` finds a figure that does not."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.audit.service import SystemActor
from lenders.fund import capital, claims, position, repository
from lenders.fund.models import FundPosition
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.models import Loan
from lenders.loans.schemas import DefaultCreate, RecoveryCreate, RepaymentCreate
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, decision, disburse, sign
from tests.lenders.loans.helpers import BANK, days_ago

REVIEWER, APPROVER = SystemActor("reviewer"), SystemActor("approver")


@pytest.fixture
def bank(db: Session) -> Lender:
    """Allocation 1,000,000 yuan × 10; suspension far above what these tests reach."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="5000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    sign(
        db,
        lender,
        allocation_yuan="1000000",
        suspension_npl_bp=9_000,
        reinstatement_npl_bp=8_000,
    )
    return lender


def held(db: Session, bank: Lender) -> tuple[int, int]:
    """The running figures, beside the same figures summed over the loans."""
    running = position.figures(db, bank.code)
    npl, total = repository.covered_quality(db, bank.code)
    assert (running.covered_outstanding_fen, running.non_performing_fen) == (total, npl)
    assert position.drift(db).none
    return running.covered_outstanding_fen, running.non_performing_fen


def repay(db: Session, loan: Loan, yuan: str) -> None:
    data = RepaymentCreate.model_validate(
        {
            "period": today().strftime("%Y-%m"),
            "paid_on": days_ago(0).isoformat(),
            "principal_yuan": yuan,
            "interest_yuan": "0",
        }
    )
    servicing.record_repayment(db, loan=loan, data=data, actor=BANK)


def default(db: Session, loan: Loan) -> None:
    data = DefaultCreate.model_validate({"defaulted_on": days_ago(1).isoformat()})
    servicing.declare_default(db, loan=loan, data=data, actor=BANK)


def test_a_bank_s_first_agreement_opens_its_position_at_zero(db: Session, bank: Lender) -> None:
    assert db.get(FundPosition, bank.code) is not None
    assert held(db, bank) == (0, 0)


def test_the_position_follows_cover_repayment_default_recovery_and_write_off(
    db: Session, bank: Lender
) -> None:
    loan = disburse(db, bank, yuan="400000.00")
    other = disburse(db, bank, yuan="100000.00")
    assert decision(db, loan).covered and decision(db, other).covered
    assert held(db, bank) == (50_000_000, 0)
    repay(db, loan, "50000.00")
    assert held(db, bank) == (45_000_000, 0)
    default(db, loan)  # 350,000 yuan still owed, all of it non-performing
    assert held(db, bank) == (45_000_000, 35_000_000)
    assert decision(db, loan).owed_fen == 35_000_000 and decision(db, loan).non_performing
    assert loan.id is not None
    claim = claims.file(db, loan_id=loan.id, lender_code=bank.code, actor=BANK, today=today())
    assert claim.id is not None
    claims.review(db, claim_id=claim.id, actor=REVIEWER)
    claims.approve(db, claim_id=claim.id, actor=APPROVER)
    claims.pay(db, claim_id=claim.id, actor=APPROVER)
    recovery = RecoveryCreate.model_validate(
        {"recovered_on": today().isoformat(), "amount_yuan": "100000"}
    )
    servicing.record_recovery(db, loan=loan, data=recovery, actor=BANK)
    assert held(db, bank) == (35_000_000, 25_000_000)
    claims.write_off(db, claim_id=claim.id, actor=APPROVER)  # off the book
    assert held(db, bank) == (10_000_000, 0)
    assert decision(db, loan).owed_fen == 0


def test_a_refused_loan_counts_nothing(db: Session, bank: Lender) -> None:
    refused = disburse(db, bank, eligible=False)
    assert not decision(db, refused).covered
    assert held(db, bank) == (0, 0) and decision(db, refused).owed_fen == 0


def test_the_period_cap_s_base_counts_each_cover_in_its_disbursement_year(
    db: Session, bank: Lender
) -> None:
    loan = disburse(db, bank, yuan="200000.00")
    year = loan.disbursed_on.year
    assert position.covered_principal_fen(db, lender_code=bank.code, year=year) == 20_000_000
    assert position.covered_principal_fen(db, lender_code=bank.code, year=year - 1) == 0


def test_drift_names_a_running_figure_that_is_not_the_loans(db: Session, bank: Lender) -> None:
    disburse(db, bank, yuan="100000.00")
    row = db.get(FundPosition, bank.code)
    assert row is not None
    row.covered_outstanding_fen += 1
    db.add(row)
    db.flush()
    found = position.drift(db)
    running, recomputed = found.banks[bank.code]
    assert running.covered_outstanding_fen == recomputed.covered_outstanding_fen + 1
    assert not found.none and found.covers == 0
    position.rebuild(db)
    assert position.drift(db).none and held(db, bank) == (10_000_000, 0)


def test_a_cover_whose_counted_figure_is_wrong_is_found(db: Session, bank: Lender) -> None:
    loan = disburse(db, bank, yuan="100000.00")
    cover = decision(db, loan)
    cover.owed_fen = 1
    db.add(cover)
    db.flush()
    assert position.drift(db).covers == 1
