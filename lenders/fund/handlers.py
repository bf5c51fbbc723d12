"""What the fund does when other areas change something (``app.core.events``)."""

from __future__ import annotations

from sqlmodel import Session

from app.core.events import subscriber
from lenders.fund import cover
from lenders.loans.events import LoanDisbursed


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
