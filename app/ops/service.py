"""Send a probe through the task pipeline and read what it did."""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass

from sqlmodel import Session

from app.core import receipts
from app.core.taskqueue import enqueue_after_commit
from app.ops import repository
from app.ops.models import ProbeAttempt, ProbeRun

PROBE_TASK = "ops.probe"


@dataclass(frozen=True)
class ProbeStatus:
    probe_id: str
    attempts: int
    runs: int


def request_probe(session: Session, *, hold_seconds: float = 0.0) -> str:
    """Queue a probe once the caller's transaction commits; returns its id."""
    probe_id = uuid.uuid4().hex
    enqueue_after_commit(session, PROBE_TASK, probe_id=probe_id, hold_seconds=hold_seconds)
    return probe_id


def record_attempt(session: Session, *, probe_id: str) -> None:
    session.add(ProbeAttempt(probe_id=probe_id, pid=os.getpid(), hostname=socket.gethostname()))


def complete(session: Session, *, probe_id: str) -> bool:
    """Write the probe's effect once; False when an earlier run already did."""
    if not receipts.first_time(session, task=PROBE_TASK, key=probe_id):
        return False
    session.add(ProbeRun(probe_id=probe_id, pid=os.getpid()))
    session.flush()
    return True


def status(session: Session, *, probe_id: str) -> ProbeStatus:
    attempts = repository.count_attempts(session, probe_id=probe_id)
    runs = repository.count_runs(session, probe_id=probe_id)
    return ProbeStatus(probe_id=probe_id, attempts=attempts, runs=runs)


def hold(seconds: float) -> None:
    """Keep the task busy, so operators and tests can interrupt it mid-flight."""
    if seconds > 0:
        time.sleep(seconds)
