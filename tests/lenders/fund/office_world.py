"""The fund as the office finds it: capital, two banks, claims at several steps, a recovery.

Bank A (allocation 500,000 yuan × 10, the fund's share 40 %, two approvers above 100,000):
a paid claim on a 200,000 loss (payout 80,000) of which 50,000 was recovered (20,000 back),
a filed claim and a reviewed one (each a 400,000 loss: payout 160,000, two approvers), and a
current covered loan; its NPL ratio has suspended its new cover. Bank B: an agreement
(allocation 100,000), nothing covered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.audit.service import SystemActor
from lenders.fund import capital, claims
from lenders.fund.models import FundClaim
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.models import Loan
from lenders.loans.schemas import DefaultCreate, RecoveryCreate
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, disburse, sign
from tests.lenders.loans.helpers import BANK, days_ago

REVIEWER, APPROVER = SystemActor("reviewer"), SystemActor("approver")
CAPITAL_FEN = 1_000_000_00
ALLOCATION_A_FEN, ALLOCATION_B_FEN = 500_000_00, 100_000_00
PAYOUT_FEN, RETURNED_FEN = 80_000_00, 20_000_00


@dataclass
class FundWorld:
    bank_a: Lender
    bank_b: Lender
    paid: FundClaim
    filed: FundClaim
    reviewed: FundClaim
    current: Loan


def _default(db: Session, loan: Loan, **default: str) -> Loan:
    data = DefaultCreate.model_validate({"defaulted_on": days_ago(2).isoformat(), **default})
    return servicing.declare_default(db, loan=loan, data=data, actor=BANK)


def _file(db: Session, bank: Lender, loan: Loan) -> FundClaim:
    assert loan.id is not None
    return claims.file(db, loan_id=loan.id, lender_code=bank.code, actor=BANK, today=today())


def build(db: Session) -> FundWorld:
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="seed", actor=OFFICE)
    bank_a, bank_b = make_lender(db), make_lender(db)
    sign(db, bank_a, allocation_yuan="500000", second_approval_above_yuan="100000")
    sign(db, bank_b, allocation_yuan="100000")
    # All four are covered before the first default suspends bank A's new cover (NPL > 5 %).
    lost, filed_loan, reviewed_loan, current = (disburse(db, bank_a) for _ in range(4))
    paid = _file(db, bank_a, _default(db, lost, outstanding_yuan="200000"))
    assert paid.id is not None
    claims.review(db, claim_id=paid.id, actor=REVIEWER)
    claims.approve(db, claim_id=paid.id, actor=APPROVER)
    claims.pay(db, claim_id=paid.id, actor=APPROVER)
    recovery = RecoveryCreate.model_validate(
        {"recovered_on": today().isoformat(), "amount_yuan": "50000"}
    )
    servicing.record_recovery(db, loan=lost, data=recovery, actor=BANK)
    filed = _file(db, bank_a, _default(db, filed_loan))
    reviewed = _file(db, bank_a, _default(db, reviewed_loan))
    assert reviewed.id is not None
    claims.review(db, claim_id=reviewed.id, actor=REVIEWER)
    return FundWorld(bank_a, bank_b, paid, filed, reviewed, current)
