"""What the fund does when other areas change something (``app.core.events``)."""

from __future__ import annotations

from sqlmodel import Session

from app.core.events import subscriber
from app.core.taskqueue import enqueue_after_commit
from lenders.fund import claims, cover, forecast, repository, suspension
from lenders.loans.events import LoanDisbursed, LoanRecovered, LoanStatusChanged
from scoring.scores.events import ScoreRunFinished


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
    suspension.recheck(session, lender_code=event.lender_code, actor=cover.FUND)


@subscriber(LoanStatusChanged)
def recheck_the_bank_s_npl(session: Session, event: LoanStatusChanged) -> None:
    """A covered loan's standing moved: the bank may cross its suspension or reinstatement line."""
    decided = repository.cover_of(session, event.loan_id)
    if decided is not None and decided.covered:
        suspension.recheck(session, lender_code=event.lender_code, actor=cover.FUND)


@subscriber(LoanRecovered)
def return_the_fund_s_share(session: Session, event: LoanRecovered) -> None:
    """A recovery on a loan the fund paid for returns the fund's share in the same commit; the
    bank's NPL ratio falls with what is still owed."""
    claims.share_recovery(
        session,
        loan_id=event.loan_id,
        recovery_id=event.recovery_id,
        amount_fen=event.amount_fen,
        recovered_on=event.recovered_on,
        reported_on=event.reported_on,
        actor=cover.FUND,
    )
    if repository.cover_of(session, event.loan_id) is not None:
        suspension.recheck(session, lender_code=event.lender_code, actor=cover.FUND)


@subscriber(ScoreRunFinished)
def forecast_after_scoring(session: Session, event: ScoreRunFinished) -> None:
    """New PDs: the run-out forecast is made again by a task once the score run commits, never
    in the run's own transaction (the Monte Carlo takes seconds on a city's book)."""
    enqueue_after_commit(
        session, forecast.AFTER_SCORE_RUN_TASK, once=True, score_run_id=event.run_id
    )
