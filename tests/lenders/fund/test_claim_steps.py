"""The steps a claim may take next, by its status and the viewer's hands in it."""

from __future__ import annotations

from typing import Any

import pytest

from lenders.fund import claim_steps
from lenders.fund.models import ClaimStatus, FundClaim


def claim(status: ClaimStatus, **hands: Any) -> FundClaim:
    return FundClaim(
        cover_id=1,
        loan_id=1,
        lender_code="bank",
        agreement_id=1,
        status=status,
        unpaid_principal_fen=100,
        filed_by="user:1",
        **hands,
    )


def labels(found: FundClaim, viewer: str) -> list[str]:
    return [step.label for step in claim_steps.allowed(found, viewer)]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ClaimStatus.FILED, ["审核", "驳回"]),
        (ClaimStatus.REVIEWED, ["批准", "驳回"]),
        (ClaimStatus.AWAITING_SECOND_APPROVAL, ["复核批准", "驳回"]),
        (ClaimStatus.APPROVED, ["支付"]),
        (ClaimStatus.PAID, ["核销"]),
        (ClaimStatus.WRITTEN_OFF, []),
        (ClaimStatus.REJECTED, []),
    ],
)
def test_each_status_offers_its_own_steps(status: ClaimStatus, expected: list[str]) -> None:
    found = claim(status, reviewed_by="user:2", approved_by="user:3")
    assert labels(found, "user:9") == expected


def test_the_reviewer_is_not_offered_the_approval() -> None:
    found = claim(ClaimStatus.REVIEWED, reviewed_by="user:2")
    assert labels(found, "user:2") == ["驳回"]
    assert claim_steps.same_hands(found, "user:2") == "审核人不能批准同一笔代偿"
    assert claim_steps.same_hands(found, "user:3") is None


def test_neither_earlier_hand_is_offered_the_second_approval() -> None:
    found = claim(ClaimStatus.AWAITING_SECOND_APPROVAL, reviewed_by="user:2", approved_by="user:3")
    for hand in ("user:2", "user:3"):
        assert labels(found, hand) == ["驳回"]
        assert claim_steps.same_hands(found, hand) is not None
    assert labels(found, "user:4") == ["复核批准", "驳回"]
