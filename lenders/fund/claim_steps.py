"""Which step a claim may take next, and whose hands may take it (maker-checker).

``claims`` refuses a step by these rules; the office's pages offer only the steps they allow,
so a button is never shown that the service would refuse for the claim's status or the viewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from lenders.fund.models import ClaimStatus, FundClaim

# A claim the office may still turn down: not yet approved.
REJECTABLE = (ClaimStatus.FILED, ClaimStatus.REVIEWED, ClaimStatus.AWAITING_SECOND_APPROVAL)
# Claims waiting on the office before the money leaves (the pipeline's open claims).
OPEN = (*REJECTABLE, ClaimStatus.APPROVED)


@dataclass(frozen=True)
class Step:
    """One act on a claim: its name in the API's path and what the button says."""

    action: str
    label: str


REVIEW = Step("review", "审核")
APPROVE = Step("approve", "批准")
SECOND_APPROVE = Step("approve", "复核批准")
REJECT = Step("reject", "驳回")
PAY = Step("pay", "支付")
WRITE_OFF = Step("write-off", "核销")
ACTIONS = ("review", "approve", "reject", "pay", "write-off")


def same_hands(claim: FundClaim, actor_ref: str) -> str | None:
    """Why ``actor_ref`` may not approve the claim now (in Chinese), or None if they may."""
    if claim.status is ClaimStatus.REVIEWED and actor_ref == claim.reviewed_by:
        return "审核人不能批准同一笔代偿"
    if claim.status is ClaimStatus.AWAITING_SECOND_APPROVAL and actor_ref in (
        claim.reviewed_by,
        claim.approved_by,
    ):
        return "复核须由审核人和首位批准人以外的人进行"
    return None


def allowed(claim: FundClaim, actor_ref: str) -> list[Step]:
    """The steps ``actor_ref`` may take on the claim now, in the order they are offered."""
    steps: list[Step] = []
    if claim.status is ClaimStatus.FILED:
        steps.append(REVIEW)
    elif claim.status is ClaimStatus.REVIEWED and same_hands(claim, actor_ref) is None:
        steps.append(APPROVE)
    elif claim.status is ClaimStatus.AWAITING_SECOND_APPROVAL:
        if same_hands(claim, actor_ref) is None:
            steps.append(SECOND_APPROVE)
    elif claim.status is ClaimStatus.APPROVED:
        steps.append(PAY)
    elif claim.status is ClaimStatus.PAID:
        steps.append(WRITE_OFF)
    if claim.status in REJECTABLE:
        steps.append(REJECT)
    return steps
