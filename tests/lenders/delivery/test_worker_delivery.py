"""The whole path with real processes: PostgreSQL, Redis, ``xyd worker`` and ``xyd beat`` post
to ``xyd bank-sim`` over HTTP; the bank verifies every signature and de-duplicates by event id."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from app.audit.service import SystemActor
from app.core.db import session_scope
from app.outbox import service as outbox
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery import envelope, webhooks
from lenders.delivery.models import DeliveryAttempt
from lenders.institutions.models import Lender
from tests.banksim_fixtures import BankSim
from tests.lenders.delivery.cleanup import forget_banks
from tests.ops.test_worker import XYD, Worker, broker, start_worker, wait_for

__all__ = ["broker", "start_worker"]
pytestmark = [
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.parametrize("engine", ["postgresql"], indirect=True),
]
ACTOR = SystemActor("test")


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seconds instead of minutes between retries, for the worker and beat started after this."""
    monkeypatch.setenv("XYD_DELIVERY_BACKOFF_BASE_SECONDS", "0.2")
    monkeypatch.setenv("XYD_DELIVERY_BACKOFF_CAP_SECONDS", "1")
    monkeypatch.setenv("XYD_DELIVERY_INTERVAL_SECONDS", "1")


@pytest.fixture
def start_beat(broker: str, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [XYD, "beat", f"--schedule={tmp_path / 'beat-schedule'}"],
            env=os.environ.copy(),
            stdout=(tmp_path / "beat.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


def pushing_bank(bank: BankSim, code: str) -> None:
    with session_scope() as session:
        lender = Lender(code=code, name="真实进程测试银行")
        session.add(lender)
        session.flush()
        assert lender.id is not None
        webhooks.set_url(session, lender_id=lender.id, url=bank.webhook, actor=ACTOR)
        _row, secret = webhooks.create_secret(session, lender_id=lender.id, actor=ACTOR)
    bank.use_secrets(secret)


def publish(code: str, n: int) -> list[str]:
    with session_scope() as session:  # the commit sends the kick to Redis
        events = outbox.publish(
            session, topic="lead.created", lender_codes=[code], payload={"batch": n}
        )
        events += [
            outbox.publish(session, topic="lead.created", lender_codes=[code], payload={"n": i})[0]
            for i in range(n - 1)
        ]
        return [e.event_id for e in events]


def delivered(event_ids: list[str]) -> int:
    with session_scope() as session:
        return session.exec(
            select(func.count())
            .select_from(OutboxEvent)
            .where(
                col(OutboxEvent.event_id).in_(event_ids),
                OutboxEvent.status == DeliveryStatus.DELIVERED,
            )
        ).one()


def stop_pushing(code: str) -> None:
    forget_banks([code])


def test_the_worker_posts_right_after_the_commit(
    start_worker: Callable[[], Worker], bank: BankSim
) -> None:
    code = f"worker-bank-{os.getpid()}-a"
    pushing_bank(bank, code)
    start_worker()
    try:
        ids = publish(code, 25)
        wait_for(lambda: delivered(ids) == 25, timeout=90, what="25 acknowledged deliveries")
        received = bank.events()
        with session_scope() as session:
            rows = session.exec(select(OutboxEvent).where(col(OutboxEvent.event_id).in_(ids))).all()
            for row in rows:
                got = received[row.event_id]
                assert {
                    k: got[k] for k in ("id", "type", "created_at", "data")
                } == envelope.envelope(row)
            codes = session.exec(
                select(DeliveryAttempt.status_code).where(
                    col(DeliveryAttempt.outbox_id).in_([r.id for r in rows])
                )
            ).all()
        assert codes == [200] * 25  # no beat running: the kick after commit did it, once each
    finally:
        stop_pushing(code)


def test_failed_posts_are_retried_by_beat_until_acknowledged(
    fast_retries: None,
    start_worker: Callable[[], Worker],
    start_beat: Callable[[], subprocess.Popen[bytes]],
    bank: BankSim,
) -> None:
    code = f"worker-bank-{os.getpid()}-b"
    pushing_bank(bank, code)
    bank.behave(fail_share=0.5)
    start_worker()
    start_beat()
    try:
        ids = publish(code, 40)
        wait_for(lambda: delivered(ids) == 40, timeout=120, what="40 deliveries despite 500s")
        received = bank.events()
        assert all(event_id in received for event_id in ids)
        with session_scope() as session:
            failures = session.exec(
                select(func.count())
                .select_from(DeliveryAttempt)
                .join(OutboxEvent, col(OutboxEvent.id) == col(DeliveryAttempt.outbox_id))
                .where(col(OutboxEvent.event_id).in_(ids), DeliveryAttempt.status_code == 500)
            ).one()
        assert failures >= 10  # about half of the first tries, and of their retries
    finally:
        stop_pushing(code)
