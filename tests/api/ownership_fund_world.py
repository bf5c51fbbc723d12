"""The ownership matrix's fund: bank A under an agreement, with a covered loan's filed claim."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from lenders.fund import capital, claims
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.schemas import DefaultCreate
from tests.lenders.fund.test_cover import OFFICE, disburse, sign
from tests.lenders.loans.helpers import BANK, days_ago


def fund_ids(db: Session, bank_a: Lender) -> dict[str, Any]:
    """Sign bank A up (after the world's other loans, which stay uncovered) and file a claim."""
    capital.contribute(
        db, data=ContributionCreate(amount_yuan="1000000"), key="matrix", actor=OFFICE
    )
    sign(db, bank_a, allocation_yuan="500000")
    loan = disburse(db, bank_a)
    data = DefaultCreate.model_validate({"defaulted_on": days_ago(2).isoformat()})
    servicing.declare_default(db, loan=loan, data=data, actor=BANK)
    assert loan.id is not None
    claim = claims.file(db, loan_id=loan.id, lender_code=bank_a.code, actor=BANK, today=today())
    return {"fund_bank": bank_a.code, "claim": claim.id}
