"""What the fund does when other areas change something (``app.core.events``)."""

from __future__ import annotations

from sqlmodel import Session

from app.core.events import subscriber
from lenders.fund import claims, cover
from lenders.loans.events import LoanDisbursed, LoanRecovered


@subscriber(LoanDisbursed)
def cover_at_disbursement(session: Session, event: LoanDisbursed) -> None:
    """Decide the fund's cover of the loan now, before the disbursement commits."""
    cover.decide(
        session,
        loan_id=event.loan_id,
        lender_code=event.lender_code,
        uscc=event.uscc,
        product_id=event.product_id,
        principal_fen=event.principal_fen,
        on=event.disbursed_on,
    )


@subscriber(LoanRecovered)
def return_the_fund_s_share(session: Session, event: LoanRecovered) -> None:
    """A recovery on a loan the fund paid for returns the fund's share in the same commit."""
    claims.share_recovery(
        session,
        loan_id=event.loan_id,
        recovery_id=event.recovery_id,
        amount_fen=event.amount_fen,
        actor=cover.FUND,
    )
