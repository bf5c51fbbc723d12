"""A real Celery worker process on Redis: tasks run, and run once even when a worker dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine
from sqlmodel import select

from app.core import db as core_db
from app.core.db import session_scope
from app.core.taskqueue import celery_app, configure_celery
from app.ops import service as ops_service
from app.ops.models import ProbeAttempt

pytestmark = [pytest.mark.redis, pytest.mark.slow]
XYD = str(Path(sys.executable).with_name("xyd"))
VISIBILITY_TIMEOUT = 4


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def broker(redis_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This process sends to Redis; the queue starts empty."""
    redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("XYD_BROKER_URL", redis_url)
    monkeypatch.setenv("XYD_BROKER_VISIBILITY_TIMEOUT", str(VISIBILITY_TIMEOUT))
    core_db.reset_caches()
    monkeypatch.setenv("XYD_DATABASE_URL", str(engine.url.render_as_string(hide_password=False)))
    configure_celery()
    yield redis_url
    celery_app.close()
    monkeypatch.undo()
    core_db.reset_caches()
    configure_celery()


class Worker:
    """``xyd worker`` in its own process group, so the test can kill all of it."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                XYD,
                "worker",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            env=os.environ.copy(),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_everything(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_everything()


@pytest.fixture
def start_worker(broker: str, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def send_probe(hold_seconds: float) -> str:
    with session_scope() as session:
        return ops_service.request_probe(session, hold_seconds=hold_seconds)


def probe_status(probe_id: str) -> ops_service.ProbeStatus:
    with session_scope() as session:
        return ops_service.status(session, probe_id=probe_id)


def attempt_pids(probe_id: str) -> list[int]:
    with session_scope() as session:
        rows = session.exec(select(ProbeAttempt).where(ProbeAttempt.probe_id == probe_id)).all()
        return [row.pid for row in rows]


def test_task_sent_after_commit_runs_on_the_worker(start_worker: Callable[[], Worker]) -> None:
    worker = start_worker()
    probe_id = send_probe(0)
    wait_for(lambda: probe_status(probe_id).runs == 1, timeout=60, what="the probe's effect")
    assert attempt_pids(probe_id)[0] != os.getpid()  # it ran in the worker, not here
    assert worker.process.poll() is None


def test_killed_pool_process_task_runs_again_exactly_once(
    start_worker: Callable[[], Worker],
) -> None:
    start_worker()
    probe_id = send_probe(3)
    wait_for(lambda: len(attempt_pids(probe_id)) == 1, timeout=60, what="the first attempt")
    os.kill(attempt_pids(probe_id)[0], signal.SIGKILL)  # the pool process running the task
    wait_for(lambda: probe_status(probe_id).runs >= 1, timeout=60, what="the re-run's effect")
    time.sleep(1)
    status = probe_status(probe_id)
    pids = attempt_pids(probe_id)
    assert (status.attempts, status.runs) == (2, 1)
    assert pids[0] != pids[1]


def test_whole_worker_killed_task_is_redelivered_to_a_new_worker_once(
    start_worker: Callable[[], Worker],
) -> None:
    first = start_worker()
    probe_id = send_probe(3)
    wait_for(lambda: len(attempt_pids(probe_id)) == 1, timeout=60, what="the first attempt")
    first.kill_everything()  # no chance to requeue: the message stays unacknowledged in Redis
    assert probe_status(probe_id).runs == 0
    start_worker()  # restores unacknowledged messages older than the visibility timeout
    wait_for(
        lambda: probe_status(probe_id).runs >= 1,
        timeout=60 + VISIBILITY_TIMEOUT,
        what="redelivery to the new worker",
    )
    time.sleep(1)
    assert (probe_status(probe_id).attempts, probe_status(probe_id).runs) == (2, 1)
