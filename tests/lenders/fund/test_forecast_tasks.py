"""End to end on a committed database: a score run that finishes leads, after its commit and
in a task of its own, to a new forecast row; the task is discovered and idempotent."""

from __future__ import annotations

from datetime import date

from app.core.db import session_scope
from app.core.taskqueue import celery_app, configure_celery, wait_for_inline_tasks
from lenders.fund import forecast_queries
from lenders.fund.models import ForecastTrigger
from lenders.fund.tasks import forecast_after_score_run
from scoring.scores import service as score_service
from scoring.scores.models import Score, ScoreRun
from tests.lenders.fund import office_world


def _open_run_with_a_score(uscc: str) -> int:
    with session_scope() as session:
        run = ScoreRun(as_of=date(2026, 11, 1), model_name="m", started_by="test")
        session.add(run)
        session.flush()
        assert run.id is not None
        session.add(
            Score(
                run_id=run.id, uscc=uscc, as_of=run.as_of, model_name="m", pd=1.0, points=500,
                grade="E",
            )
        )  # fmt: skip
        return run.id


def test_a_finished_score_run_leads_to_a_new_forecast(committed_database: str) -> None:
    with session_scope() as session:
        current_uscc = office_world.build(session).current.uscc
    run_id = _open_run_with_a_score(current_uscc)
    wait_for_inline_tasks()  # the world's own (the banks' webhook deliveries)
    with session_scope() as session:
        assert forecast_queries.latest_forecast(session) is None
        score_service.finish_run(session, run_id=run_id)
        # Inside the run's transaction nothing is forecast yet.
        assert forecast_queries.forecasts_count(session) == 0
    assert wait_for_inline_tasks() == 1  # sent after the commit, run in-process (no broker)
    with session_scope() as session:
        made = forecast_queries.latest_forecast(session)
        assert made is not None and made.id is not None
        assert (made.trigger, made.score_run_id) == (ForecastTrigger.SCORE_RUN, run_id)
        assert made.scored_loans == 1 and made.defaulted_loans == 2
        months = forecast_queries.months_of(session, made.id)
        assert len(months) == made.horizon_months == 24
        # The run's PD of 1 for the current loan: 40 % × 60 % of 400,000 yuan, with the two
        # open claims of 160,000 yuan each, all in month 1.
        assert months[0].expected_payout_fen == 2 * 160_000_00 + 96_000_00
    # Redelivered, the task finds its receipt and makes nothing more.
    assert forecast_after_score_run.apply(kwargs={"score_run_id": run_id}).get() is None
    with session_scope() as session:
        assert forecast_queries.forecasts_count(session) == 1


def test_the_worker_discovers_the_forecast_task() -> None:
    configure_celery()
    assert "lenders.fund_forecast" in celery_app.tasks
