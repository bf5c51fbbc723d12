"""The sweep of score runs: done ones close, stuck ones get their partitions again, then fail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from app.core import receipts
from app.core.config import ScheduleSettings
from app.core.inline_beat import InlineBeat
from app.core.taskqueue import beat_schedule, celery_app, configure_celery
from scoring.scores import service as score_service
from scoring.scores.models import RunStatus, ScoreRun
from scoring.scores.sweep import sweep_runs

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 01:00 in Shanghai
TIMEOUT = timedelta(hours=2)


def open_run(db: Session, *, partitions: int, started: datetime, done: list[int]) -> int:
    run = ScoreRun(
        as_of=date(2026, 12, 1),
        model_name="m",
        partitions=partitions,
        started_by="test",
        started_at=started,
    )
    db.add(run)
    db.flush()
    assert run.id is not None
    for index in done:
        receipts.first_time(db, task=score_service.PARTITION_TASK, key=f"{run.id}:{index}")
    return run.id


def test_a_run_whose_partitions_are_all_done_is_closed(db: Session) -> None:
    run_id = open_run(db, partitions=2, started=NOW - timedelta(minutes=5), done=[0, 1])
    outcome = sweep_runs(db, now=NOW, timeout=TIMEOUT)
    assert outcome.finished == [run_id] and not outcome.requeued and not outcome.failed


def test_a_run_still_within_its_timeout_is_left_alone(db: Session) -> None:
    open_run(db, partitions=3, started=NOW - timedelta(minutes=110), done=[0])
    outcome = sweep_runs(db, now=NOW, timeout=TIMEOUT)
    assert outcome.finished == [] and outcome.requeued == {} and outcome.failed == []


def test_a_stuck_run_gets_its_missing_partitions_once_then_fails(db: Session) -> None:
    started = NOW - timedelta(hours=2, minutes=1)
    run_id = open_run(db, partitions=3, started=started, done=[1])
    assert sweep_runs(db, now=NOW, timeout=TIMEOUT).requeued == {run_id: [0, 2]}
    again = sweep_runs(db, now=NOW + timedelta(minutes=10), timeout=TIMEOUT)
    assert again.requeued == {} and again.failed == []  # sent once; they get their time
    late = sweep_runs(db, now=started + 2 * TIMEOUT, timeout=TIMEOUT)
    assert late.failed == [run_id]
    run = db.get(ScoreRun, run_id)
    assert run is not None and run.status is RunStatus.FAILED
    assert run.finished_at == started + 2 * TIMEOUT
    # A partition arriving after the failure does not reopen or close the run.
    receipts.first_time(db, task=score_service.PARTITION_TASK, key=f"{run_id}:0")
    receipts.first_time(db, task=score_service.PARTITION_TASK, key=f"{run_id}:2")
    assert not score_service.closes_run(db, run_id=run_id)
    assert sweep_runs(db, now=started + 3 * TIMEOUT, timeout=TIMEOUT).finished == []


def test_the_sweep_is_on_beats_schedule_and_the_in_process_beat() -> None:
    configure_celery()
    assert "scoring.sweep_runs" in celery_app.tasks
    entry = beat_schedule(ScheduleSettings())["scoring-sweep"]
    assert entry["task"] == "scoring.sweep_runs"
    assert "scoring-sweep" not in beat_schedule(ScheduleSettings(score_sweep_cron=""))
    sent: list[str] = []
    start = datetime(2026, 12, 1, 17, 1, tzinfo=UTC)
    clock = [start]
    inline = InlineBeat(beat_schedule(ScheduleSettings()), clock=lambda: clock[0], send=sent.append)
    clock[0] = start + timedelta(minutes=9, seconds=30)  # 01:10:30 in Shanghai
    assert "scoring.sweep_runs" in inline.tick()
