"""The Celery path of batch scoring: one task per partition, the last one closes the run.

Runs without a broker (tasks on the in-process pool) against a database of its own, since the
tasks commit their work for real.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.core import db as core_db
from app.core.db import session_scope
from app.core.taskqueue import send_now, wait_for_inline_tasks
from lenders.fund import forecast_queries
from scoring.registry import service as registry_service
from scoring.scores.models import RunStatus, Score, ScoreRun
from scoring.sources import service as source_service
from scoring.sources.store import SourceStore
from scoring.training.platform import train_platform_model
from tests.conftest import fresh_schema
from tests.scoring_fixtures import ACTOR


@pytest.fixture
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    url = f"sqlite:///{tmp_path / 'tasks.db'}"
    fresh_schema(url).dispose()
    previous = os.environ.get("XYD_DATABASE_URL", "")
    monkeypatch.setenv("XYD_DATABASE_URL", url)
    monkeypatch.setenv("XYD_DATA_DIR", str(tmp_path / "data"))
    core_db.reset_caches()
    yield tmp_path / "data"
    monkeypatch.setenv("XYD_DATABASE_URL", previous)
    core_db.reset_caches()


def drain() -> None:
    while wait_for_inline_tasks():  # tasks send tasks: wait until none is left
        pass


def test_partitions_fan_out_and_the_last_closes_the_run(own_database: Path, city: Path) -> None:
    store = SourceStore(own_database)
    with session_scope() as session:
        for path in source_service.source_files(city):
            if path.stem != "truth":
                source_service.ingest_file(session, path=path, actor=ACTOR, store=store)
    with session_scope() as session:
        version = train_platform_model(session, store=store, actor=ACTOR, months=16)
        registry_service.promote(session, name=version.name, actor=ACTOR)
    send_now("scoring.batch_score", as_of="2026-11-01", partitions=3)
    drain()
    with session_scope() as session:
        run = session.exec(select(ScoreRun)).one()
        scores = session.exec(select(Score).where(Score.run_id == run.id)).all()
        assert run.status is RunStatus.DONE and run.partitions == 3
        assert run.enterprises == len(scores) == len({s.uscc for s in scores}) > 1000
        # The closing commit queued the fund's run-out forecast, made by a task of its own.
        made = forecast_queries.latest_forecast(session)
        assert made is not None and made.score_run_id == run.id
    send_now("scoring.score_partition", run_id=run.id, index=1)  # a redelivered partition
    drain()
    with session_scope() as session:
        assert len(session.exec(select(Score).where(Score.run_id == run.id)).all()) == len(scores)
