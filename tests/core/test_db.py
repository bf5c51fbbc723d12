import json
import os
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

from app.core.db import make_engine
from app.ops.models import ProbeRun


def test_times_come_back_aware_utc(db: Session) -> None:
    shanghai = timezone(timedelta(hours=8))
    run = ProbeRun(probe_id="t", pid=1, finished_at=datetime(2026, 1, 1, 8, 0, tzinfo=shanghai))
    db.add(run)
    db.flush()
    db.expire_all()
    stored = db.get(ProbeRun, run.id)
    assert stored is not None
    assert stored.finished_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert stored.finished_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(db: Session) -> None:
    db.add(ProbeRun(probe_id="t", pid=1, finished_at=datetime(2026, 1, 1)))  # noqa: DTZ001
    with pytest.raises(Exception, match="naive"):
        db.flush()


def test_foreign_keys_are_enforced(db: Session) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        db.execute(
            text(
                "INSERT INTO api_keys (lender_id, name, prefix, digest, created_by, created_at) "
                "VALUES (999999, 'k', 'p', 'd', 'x', CURRENT_TIMESTAMP)"
            )
        )
        db.flush()


def _backend_of(connection: Connection) -> tuple[int, object]:
    """The DBAPI connection's identity in this process, and the server's for it (PostgreSQL's
    backend pid; SQLite has no server, so the object identity alone)."""
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        return id(raw), connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return id(raw), connection.execute(text("SELECT 1")).scalar_one()


def test_a_forked_process_opens_its_own_connections(engine: Engine) -> None:
    """A Celery pool process forked from a parent that had used the engine must not reuse the
    parent's pooled connection, nor close it: two processes on one socket corrupt each other's
    transactions (the delivery bench lost a batch of 500 events to this)."""
    shared = make_engine(engine.url.render_as_string(hide_password=False))
    with shared.connect() as connection:
        parent_raw, parent_backend = _backend_of(connection)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, reports through the pipe
        try:
            with shared.connect() as connection:
                child_raw, child_backend = _backend_of(connection)
            os.write(write, json.dumps([child_raw, child_backend]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        reported = pipe.read()
    os.waitpid(child, 0)
    child_raw, child_backend = json.loads(reported)
    assert child_raw != parent_raw
    if engine.dialect.name == "postgresql":
        assert child_backend != parent_backend
    # The parent's pooled connection survived the child: same one, still answering.
    with shared.connect() as connection:
        assert _backend_of(connection) == (parent_raw, parent_backend)
    shared.dispose()
