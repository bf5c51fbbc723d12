"""What a bank may send about loans: yuan strings, months, days past due."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from lenders.loans.schemas import (
    DefaultCreate,
    DelinquencyCreate,
    DisbursementCreate,
    RecoveryCreate,
    RepaymentCreate,
)

DISBURSEMENT = {"contract_id": "HZ-1", "disbursed_on": "2026-11-01", "amount_yuan": "1000.50"}
REPAYMENT = {
    "period": "2026-11",
    "paid_on": "2026-11-20",
    "principal_yuan": "0",
    "interest_yuan": 12,
}


def test_amounts_become_fen() -> None:
    assert DisbursementCreate.model_validate(DISBURSEMENT).amount_fen == 100_050
    repayment = RepaymentCreate.model_validate(REPAYMENT)
    assert (repayment.principal_fen, repayment.interest_fen) == (0, 1_200)
    assert DefaultCreate.model_validate({"defaulted_on": "2026-11-01"}).outstanding_fen is None
    recovery = RecoveryCreate.model_validate({"recovered_on": "2026-11-01", "amount_yuan": "0.01"})
    assert recovery.amount_fen == 1


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (DisbursementCreate, {**DISBURSEMENT, "amount_yuan": 1000.5}),  # a JSON float
        (DisbursementCreate, {**DISBURSEMENT, "amount_yuan": "0"}),
        (DisbursementCreate, {**DISBURSEMENT, "amount_yuan": "1.001"}),
        (DisbursementCreate, {**DISBURSEMENT, "contract_id": "   "}),
        (DisbursementCreate, {**DISBURSEMENT, "contract_id": "a\nb"}),
        (DisbursementCreate, {**DISBURSEMENT, "rate_bp": 4}),  # 4% typed as basis points
        (DisbursementCreate, {**DISBURSEMENT, "term_months": 0}),
        (DisbursementCreate, {**DISBURSEMENT, "disbursed_on": "2026-02-30"}),
        (DisbursementCreate, {**DISBURSEMENT, "lender_code": "other-bank"}),
        (RepaymentCreate, {**REPAYMENT, "period": "2026-13"}),
        (RepaymentCreate, {**REPAYMENT, "period": "2026-1"}),
        (RepaymentCreate, {**REPAYMENT, "principal_yuan": "-1.00"}),
        (RepaymentCreate, {**REPAYMENT, "interest_yuan": True}),
        (DelinquencyCreate, {"as_of": "2026-11-01", "days_past_due": -1}),
        (DelinquencyCreate, {"as_of": "2026-11-01", "days_past_due": 36_501}),
        (DefaultCreate, {"defaulted_on": "2026-11-01", "outstanding_yuan": "0"}),
        (RecoveryCreate, {"recovered_on": "2026-11-01", "amount_yuan": "0.00"}),
    ],
)
def test_bad_input_is_refused(model: Any, body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(body)
