"""Tasks leave only after their transaction commits; without a broker they run in-process."""

import uuid

from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.taskqueue import enqueue_after_commit, wait_for_inline_tasks
from app.ops import service as ops_service


def test_task_runs_in_process_after_commit(engine: Engine) -> None:
    with session_scope() as session:
        probe_id = ops_service.request_probe(session)
        assert wait_for_inline_tasks() == 0  # nothing leaves before the commit
    assert wait_for_inline_tasks() == 1
    with session_scope() as session:
        status = ops_service.status(session, probe_id=probe_id)
    assert (status.attempts, status.runs) == (1, 1)


def test_rolled_back_transaction_sends_nothing(engine: Engine) -> None:
    probe_id = uuid.uuid4().hex
    try:
        with session_scope() as session:
            enqueue_after_commit(session, "ops.probe", probe_id=probe_id)
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    assert wait_for_inline_tasks() == 0
    with session_scope() as session:
        assert ops_service.status(session, probe_id=probe_id).attempts == 0


def test_a_repeated_task_has_its_effect_once(engine: Engine) -> None:
    probe_id = uuid.uuid4().hex
    from app.ops.tasks import probe

    assert probe.apply(kwargs={"probe_id": probe_id}).get() is True
    assert probe.apply(kwargs={"probe_id": probe_id}).get() is False
    with session_scope() as session:
        status = ops_service.status(session, probe_id=probe_id)
    assert (status.attempts, status.runs) == (2, 1)


def test_tasks_are_discovered_from_the_areas() -> None:
    from app.core.taskqueue import celery_app, configure_celery

    configure_celery()
    assert celery_app.tasks["ops.probe"].name == "ops.probe"
    assert celery_app.conf.task_acks_late and celery_app.conf.task_reject_on_worker_lost


def test_beat_looks_for_due_deliveries_every_few_seconds() -> None:
    from app.core.config import get_settings
    from app.core.taskqueue import beat_schedule

    entry = beat_schedule(get_settings().schedule)["deliver-due"]
    assert entry["task"] == "lenders.deliver_due" and entry["schedule"] == 5.0


def test_one_kick_per_transaction(engine: Engine) -> None:
    from app.core.taskqueue import _PENDING_KEY

    with session_scope() as session:
        for _ in range(3):
            enqueue_after_commit(session, "ops.probe", once=True, probe_id="same")
        assert session.info[_PENDING_KEY] == [("ops.probe", {"probe_id": "same"})]
    assert wait_for_inline_tasks() == 1
