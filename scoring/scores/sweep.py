"""The sweep of batch scoring runs: close those whose partitions are all done, rescue the stuck.

A run closes when its last partition commits (``service.closes_run``), but the task that closes
it is sent after that commit and may be lost, and a partition task may die for good. So beat
runs this sweep: a run with every partition done is closed; a run still open ``timeout`` after
it started has its missing partitions sent again, once (a receipt records it); a run still open
after twice that is failed, so nobody waits for it and the next run compares with the last good.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from app.core import receipts
from app.core.taskqueue import enqueue_after_commit
from scoring.scores import repository
from scoring.scores import service as score_service
from scoring.scores.models import RunStatus

REQUEUE_TASK = "scoring.requeue_run"


@dataclass
class SweepOutcome:
    """What one sweep did, by run id."""

    finished: list[int] = field(default_factory=list)
    requeued: dict[int, list[int]] = field(default_factory=dict)  # run -> partitions sent again
    failed: list[int] = field(default_factory=list)


def sweep_runs(session: Session, *, now: datetime, timeout: timedelta) -> SweepOutcome:
    """Close, re-queue or fail the open runs; the tasks leave when the caller commits."""
    outcome = SweepOutcome()
    for run_id in repository.open_run_ids(session):
        if score_service.closes_run(session, run_id=run_id):  # locks the run: one sweeper at once
            enqueue_after_commit(session, "scoring.finish_run", run_id=run_id)
            outcome.finished.append(run_id)
            continue
        run = score_service.get_run(session, run_id=run_id)
        if run.status is not RunStatus.RUNNING or run.started_at > now - timeout:
            continue
        if receipts.first_time(session, task=REQUEUE_TASK, key=str(run_id)):
            missing = sorted(
                set(range(run.partitions)) - repository.done_partitions(session, run_id=run_id)
            )
            for index in missing:
                enqueue_after_commit(
                    session, score_service.PARTITION_TASK, run_id=run_id, index=index
                )
            outcome.requeued[run_id] = missing
        elif run.started_at <= now - 2 * timeout:
            run.status, run.finished_at = RunStatus.FAILED, now
            session.add(run)
            outcome.failed.append(run_id)
    session.flush()
    return outcome
