"""The run-out forecast over the real book: what it is given, what it stores, when it runs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from app.audit.service import SystemActor
from app.core import receipts
from app.core.clock import to_local, utcnow
from app.core.events import publish
from lenders.fund import forecast, forecast_queries, forecast_view, handlers
from lenders.fund.exceptions import ForecastNotFound, InvalidForecastParameters
from lenders.fund.forecast import ForecastParameters
from lenders.fund.models import ForecastTrigger
from scoring.scores.events import ScoreRunFinished
from scoring.scores.models import Score, ScoreRun
from tests.clock import CityClock
from tests.lenders.fund import office_world
from tests.lenders.fund.office_world import CAPITAL_FEN, PAYOUT_FEN, RETURNED_FEN

ACTOR = SystemActor("office-test")
# The world's two open claims: each 40 % of a 400,000 yuan loss.
OPEN_CLAIMS_FEN = 2 * 160_000_00
CURRENT_FEN = 400_000_00  # each covered loan of the world, the one performing among them


def knobs(**changes: int) -> ForecastParameters:
    values = {"paths": 500, "horizon_months": 12, "lgd_bp": 6000, "unscored_pd_bp": 0, "seed": 1}
    return ForecastParameters(**{**values, **changes})


def score(db: Session, uscc: str, pd: float, *, as_of: date = date(2026, 11, 1)) -> Score:
    row = Score(uscc=uscc, as_of=as_of, model_name="m", pd=pd, points=600, grade="C")
    db.add(row)
    db.flush()
    return row


def test_no_forecast_yet_is_a_chinese_not_found(db: Session) -> None:
    with pytest.raises(ForecastNotFound, match="还没有资金耗尽预测") as refused:
        forecast.latest(db)
    assert refused.value.code == "fund_forecast_not_found"


def test_the_capital_is_what_the_fund_has_not_paid_out(db: Session) -> None:
    office_world.build(db)
    assert forecast.capital_fen(db) == CAPITAL_FEN - PAYOUT_FEN + RETURNED_FEN


def test_open_claims_are_certain_and_unscored_borrowers_take_the_fallback_pd(db: Session) -> None:
    office_world.build(db)
    made = forecast.run(db, trigger=ForecastTrigger.API, actor=ACTOR, parameters=knobs())
    run, first = made.run, made.months[0]
    # The paid claim costs nothing more; the filed and the reviewed one are paid in month 1.
    assert (run.loans, run.defaulted_loans, run.scored_loans) == (3, 2, 0)
    assert first.payout_p5_fen == first.expected_payout_fen == first.payout_p95_fen
    assert first.expected_payout_fen == OPEN_CLAIMS_FEN
    assert all(m.expected_payout_fen == 0 for m in made.months[1:])  # PD 0 for the unscored
    assert run.capital_fen == CAPITAL_FEN - PAYOUT_FEN + RETURNED_FEN
    assert made.months[-1].expected_remaining_fen == run.capital_fen - OPEN_CLAIMS_FEN
    assert run.covered_outstanding_fen == 3 * CURRENT_FEN  # what is still owed on all three
    assert run.runout_probability_bp == 0 and run.runout_month is None


def test_the_latest_pd_of_the_borrower_drives_its_loan(db: Session) -> None:
    world = office_world.build(db)
    score(db, world.current.uscc, 0.0, as_of=date(2026, 1, 1))
    score(db, world.current.uscc, 1.0)  # the latest: certain default
    made = forecast.run(
        db, trigger=ForecastTrigger.CLI, actor=ACTOR, parameters=knobs(lgd_bp=10_000)
    )
    assert made.run.scored_loans == 1 and made.run.mean_pd_bp == 10_000
    # PD 1 and LGD 1: the ratio (40 %) of what is owed, with the open claims, in month 1.
    assert made.months[0].expected_payout_fen == OPEN_CLAIMS_FEN + CURRENT_FEN * 4 // 10
    assert made.run.by_lender[world.bank_a.code] == {
        "loans": 3,
        "outstanding_fen": 3 * CURRENT_FEN,
    }


def test_a_run_is_stored_with_its_parameters_months_and_dates(
    db: Session, city_clock: CityClock
) -> None:
    office_world.build(db)
    forecast.run(db, trigger=ForecastTrigger.API, actor=ACTOR, parameters=knobs(seed=99))
    stored = forecast.latest(db)
    today = to_local(utcnow()).date()
    assert stored.run.as_of == today  # the city's day, at 01:00 Beijing time too
    assert stored.run.first_month == forecast.first_month_after(today)
    assert (stored.run.paths, stored.run.seed, stored.run.lgd_bp) == (500, 99, 6000)
    assert [m.month_index for m in stored.months] == list(range(1, 13))
    assert stored.months[0].month == stored.run.first_month
    assert stored.months[11].month == forecast.add_months(stored.run.first_month, 11)


def test_the_same_book_and_seed_give_the_same_figures(db: Session) -> None:
    world = office_world.build(db)
    score(db, world.current.uscc, 0.3)
    one = forecast.run(db, trigger=ForecastTrigger.API, actor=ACTOR, parameters=knobs())
    two = forecast.run(db, trigger=ForecastTrigger.API, actor=ACTOR, parameters=knobs())
    figures = [[vars(m)[k] for k in vars(m) if k.endswith(("_fen", "_bp"))] for m in one.months]
    assert figures == [
        [vars(m)[k] for k in vars(m) if k.endswith(("_fen", "_bp"))] for m in two.months
    ]
    assert one.run.id != two.run.id


@pytest.mark.parametrize(
    "bad",
    [{"paths": 0}, {"paths": 100_001}, {"horizon_months": 121}, {"lgd_bp": 0}, {"seed": -1}],
)
def test_parameters_out_of_range_are_refused_in_chinese(db: Session, bad: dict[str, int]) -> None:
    with pytest.raises(InvalidForecastParameters) as refused:
        forecast.run(db, trigger=ForecastTrigger.API, actor=ACTOR, parameters=knobs(**bad))
    assert refused.value.code == "fund_forecast_invalid_parameters"
    assert forecast_queries.forecasts_count(db) == 0


def test_a_score_run_s_forecast_is_made_once(db: Session) -> None:
    office_world.build(db)
    run = ScoreRun(as_of=date(2026, 11, 1), model_name="m", started_by="t")
    db.add(run)
    db.flush()
    assert run.id is not None
    made = forecast.after_score_run(db, score_run_id=run.id, actor=ACTOR)
    assert made is not None and made.run.trigger is ForecastTrigger.SCORE_RUN
    assert made.run.score_run_id == run.id
    assert forecast.after_score_run(db, score_run_id=run.id, actor=ACTOR) is None
    assert forecast_queries.forecasts_count(db) == 1


def test_the_finished_score_run_queues_the_forecast_after_commit(
    db: Session, sent_tasks: list[tuple[str, dict[str, object]]]
) -> None:
    assert handlers.forecast_after_scoring  # subscribed through HANDLER_MODULES
    publish(db, ScoreRunFinished(run_id=41, as_of=date(2026, 11, 1), enterprises=3))
    assert sent_tasks == []  # nothing leaves inside the score run's transaction
    db.commit()
    assert sent_tasks == [("lenders.fund_forecast", {"score_run_id": 41})]


def test_the_sentence_says_the_month_and_the_chance(db: Session) -> None:
    world = office_world.build(db)
    score(db, world.current.uscc, 0.2)
    made = forecast.run(db, trigger=ForecastTrigger.API, actor=ACTOR, parameters=knobs())
    last = forecast.add_months(made.run.first_month, 11)
    assert forecast_view.sentence(made) == (
        f"按当前覆盖贷款和评分，到 {last.year} 年 {last.month} 月底资金耗尽的概率为 0%。"
    )
    assert "还没有" in forecast_view.sentence(None)


def test_the_sentence_of_a_fund_that_runs_out() -> None:
    run = type("Run", (), {})()
    run.first_month, run.horizon_months = date(2027, 1, 1), 24
    run.runout_month, run.runout_probability_bp = date(2028, 3, 1), 6_789
    words = forecast_view.sentence(forecast.Forecast(run, []))  # type: ignore[arg-type]
    assert words.startswith("按当前覆盖贷款和评分，预计 2028 年 3 月资金耗尽")
    assert words.endswith("到 2028 年 12 月底资金耗尽的概率为 67.9%。")


def test_paid_claims_are_counted_in_the_city_month_they_were_posted(
    db: Session, city_clock: CityClock
) -> None:
    office_world.build(db)
    today = to_local(utcnow()).date()
    this_month = date(today.year, today.month, 1)
    paid = forecast_view.paid_by_month(db, first=forecast.add_months(this_month, -1), months=2)
    assert [p.month for p in paid] == [forecast.add_months(this_month, -1), this_month]
    assert [p.paid_fen for p in paid] == [0, PAYOUT_FEN]


def test_a_task_that_loses_the_race_for_the_receipt_stores_nothing(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    office_world.build(db)
    run = ScoreRun(as_of=date(2026, 11, 1), model_name="m", started_by="t")
    db.add(run)
    db.flush()
    real = forecast.compute

    def racing(*args: Any, **kwargs: Any) -> forecast.Forecast:
        made = real(*args, **kwargs)
        # Another worker's run of the task stores its forecast while this one simulates.
        receipts.first_time(db, task=forecast.AFTER_SCORE_RUN_TASK, key=str(run.id))
        return made

    monkeypatch.setattr(forecast, "compute", racing)
    assert run.id is not None
    assert forecast.after_score_run(db, score_run_id=run.id, actor=ACTOR) is None
    assert forecast_queries.forecasts_count(db) == 0
