"""A run's last partition closes it, even when two partitions commit at the same moment.

Two real connections on PostgreSQL (READ COMMITTED): each partition claims its receipt and
writes its scores, both wait at a barrier, then each asks whether it closes the run. Without
a lock each counts only its own uncommitted receipt and neither closes the run.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from app.core import receipts
from app.core.clock import utcnow
from app.core.models import TaskReceipt
from scoring.scores import repository
from scoring.scores import service as score_service
from scoring.scores.models import Score, ScoreRun

# READ COMMITTED between real connections is PostgreSQL's; SQLite has one writer.
pytestmark = pytest.mark.postgres_only


@pytest.fixture
def committed_run(engine: Engine) -> Iterator[int]:
    """A two-partition run committed for real (the threads cannot see the test's transaction)."""
    with Session(engine) as session:
        run = ScoreRun(as_of=date(2026, 11, 1), model_name="m", partitions=2, started_by="test")
        session.add(run)
        session.commit()
        assert run.id is not None
        run_id = run.id
    yield run_id
    with Session(engine) as session:
        session.execute(delete(Score).where(col(Score.run_id) == run_id))
        session.execute(delete(TaskReceipt).where(col(TaskReceipt.key).startswith(f"{run_id}:")))
        session.execute(delete(ScoreRun).where(col(ScoreRun.id) == run_id))
        session.commit()


def _score_row(run_id: int, index: int) -> dict[str, object]:
    return {
        "run_id": run_id,
        "uscc": f"91330500MA2B{index:06d}",
        "as_of": date(2026, 11, 1),
        "model_name": "m",
        "pd": 0.01,
        "points": 700,
        "grade": "A",
        "reasons": [],
        "scored_at": utcnow(),
    }


def test_two_partitions_finishing_together_close_the_run_once(
    engine: Engine, committed_run: int
) -> None:
    barrier = threading.Barrier(2)
    closes: dict[int, bool] = {}
    errors: list[BaseException] = []

    def partition(index: int) -> None:
        try:
            with Session(engine) as session:
                # What score_partition writes: the receipt and the scores, in one transaction.
                assert receipts.first_time(
                    session, task=score_service.PARTITION_TASK, key=f"{committed_run}:{index}"
                )
                repository.add_scores(session, [_score_row(committed_run, index)])
                barrier.wait(timeout=10)
                closes[index] = score_service.closes_run(session, run_id=committed_run)
                # Both have counted before either commits, unless one waits for the other's
                # lock on the run (as it must): then the barrier times out and breaks.
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=1)
                session.commit()
        except BaseException as error:  # surfaced in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=partition, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(closes.values()) == [False, True]  # exactly one partition closes the run
