"""What the fund does when other areas change something (``app.core.events``)."""

from __future__ import annotations

from sqlmodel import Session

from app.core.events import subscriber
from app.core.taskqueue import enqueue_after_commit
from lenders.fund import claims, cover, forecast, position, repository, suspension
from lenders.fund.models import FundCover
from lenders.loans import repository as loan_repository
from lenders.loans.events import LoanDisbursed, LoanRecovered, LoanStatusChanged
from scoring.scores.events import ScoreRunFinished


@subscriber(LoanDisbursed)
def cover_at_disbursement(session: Session, event: LoanDisbursed) -> None:
    """Decide the fund's cover of the loan now, before the disbursement commits (the decision
    ends with the bank's NPL recheck)."""
    cover.decide(
        session,
        loan_id=event.loan_id,
        lender_code=event.lender_code,
        uscc=event.uscc,
        product_id=event.product_id,
        principal_fen=event.principal_fen,
        on=event.disbursed_on,
    )


@subscriber(LoanStatusChanged)
def recheck_the_bank_s_npl(session: Session, event: LoanStatusChanged) -> None:
    """A covered loan's standing or outstanding moved: its bank's position follows, and the
    bank may cross its suspension or reinstatement line."""
    decided = repository.cover_of(session, event.loan_id)
    if decided is not None and decided.covered:
        _follow(session, decided, event.loan_id)
        suspension.recheck(session, lender_code=event.lender_code, actor=cover.FUND)


@subscriber(LoanRecovered)
def return_the_fund_s_share(session: Session, event: LoanRecovered) -> None:
    """A recovery on a loan the fund paid for returns the fund's share in the same commit; the
    bank's position and NPL ratio fall with what is still owed."""
    claims.share_recovery(
        session,
        loan_id=event.loan_id,
        recovery_id=event.recovery_id,
        amount_fen=event.amount_fen,
        recovered_on=event.recovered_on,
        reported_on=event.reported_on,
        actor=cover.FUND,
    )
    decided = repository.cover_of(session, event.loan_id)
    if decided is not None:
        if decided.covered:
            _follow(session, decided, event.loan_id)
        suspension.recheck(session, lender_code=event.lender_code, actor=cover.FUND)


def _follow(session: Session, decided: FundCover, loan_id: int) -> None:
    loan = loan_repository.loaded(session, loan_id)
    assert loan is not None  # the event's loan is the one its servicing just changed
    position.follow(session, cover=decided, loan=loan)


@subscriber(ScoreRunFinished)
def forecast_after_scoring(session: Session, event: ScoreRunFinished) -> None:
    """New PDs: the run-out forecast is made again by a task once the score run commits, never
    in the run's own transaction (the Monte Carlo takes seconds on a city's book)."""
    enqueue_after_commit(
        session, forecast.AFTER_SCORE_RUN_TASK, once=True, score_run_id=event.run_id
    )
