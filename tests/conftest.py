"""Shared fixtures: real databases built by the migrations, one rolled-back transaction per test.

Databases come from ``XYD_TEST_DATABASES`` (default ``sqlite,postgresql``). PostgreSQL and Redis
tests fail when the server is down in CI (``CI`` set) and skip with instructions elsewhere.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="xyd-tests-"))
os.environ.update(
    {
        "XYD_ENV": "test",
        "XYD_DATA_DIR": str(_TMP / "data"),
        "XYD_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "XYD_BROKER_URL": "",
        "XYD_LOG_JSON": "true",
    }
)

import pytest  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.core import db as core_db  # noqa: E402
from app.core.db import make_engine  # noqa: E402
from app.core.migrations import upgrade  # noqa: E402
from app.core.taskqueue import wait_for_inline_tasks  # noqa: E402
from tests.workers import (  # noqa: E402
    create_database_once,
    worker_postgres_url,
    worker_redis_url,
)

pytest_plugins = [
    "tests.clock",
    "tests.banksim_fixtures",
    "tests.http_fixtures",
    "tests.scoring_fixtures",
    "tests.whitelist_fixtures",
    "tests.leads_fixtures",
]

BASE_POSTGRES_URL = os.environ.get(
    "XYD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BASE_REDIS_URL = os.environ.get("XYD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Under pytest-xdist each worker ("gw0", "gw1", …) has a PostgreSQL database and a Redis DB of its
# own, so workers never see each other's rows, schemas or queues.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
POSTGRES_URL = worker_postgres_url(BASE_POSTGRES_URL, WORKER)
REDIS_URL = worker_redis_url(BASE_REDIS_URL, WORKER)
DATABASES = [d for d in os.environ.get("XYD_TEST_DATABASES", "sqlite,postgresql").split(",") if d]
IN_CI = bool(os.environ.get("CI"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``postgres_only`` is not collected on SQLite: deselected, never skipped."""
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        spec = getattr(item, "callspec", None)
        on_sqlite = spec is not None and spec.params.get("engine") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def unavailable(what: str, how: str, *, state: str = "is not reachable; start it with") -> None:
    """Fail in CI, skip with instructions elsewhere."""
    message = f"{what} {state}: {how}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def postgres_reachable() -> bool:
    if POSTGRES_URL != BASE_POSTGRES_URL and not create_database_once(
        base=BASE_POSTGRES_URL, url=POSTGRES_URL
    ):
        return False
    engine = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


def database_url(kind: str) -> str:
    if kind == "postgresql":
        if not postgres_reachable():
            unavailable(
                "PostgreSQL at " + POSTGRES_URL,
                "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            )
        return POSTGRES_URL
    return f"sqlite:///{(_TMP / 'test.db').as_posix()}"


def fresh_schema(url: str) -> Engine:
    """An engine on a database emptied and rebuilt by the Alembic migrations."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    upgrade(engine)
    return engine


def point_settings_at(url: str) -> None:
    """Make the application's own engine (tasks, health checks, CLI) use ``url``."""
    os.environ["XYD_DATABASE_URL"] = url
    core_db.reset_caches()


@pytest.fixture(scope="session", params=DATABASES)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated database of each configured kind."""
    url = database_url(request.param)
    test_engine = fresh_schema(url)
    point_settings_at(url)
    yield test_engine
    test_engine.dispose()
    core_db.reset_caches()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def no_inline_tasks_left_behind() -> Iterator[None]:
    """Tasks a test's commits sent to the in-process pool finish within that test, so the next
    test counts only its own."""
    yield
    wait_for_inline_tasks()


@pytest.fixture
def committed_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A SQLite database of the test's own, for code that commits (tasks, the CLI); its URL."""
    url = f"sqlite:///{tmp_path / 'committed.db'}"
    fresh_schema(url).dispose()
    previous = os.environ.get("XYD_DATABASE_URL", "")
    monkeypatch.setenv("XYD_DATABASE_URL", url)
    monkeypatch.setenv("XYD_DATA_DIR", str(tmp_path / "data"))
    core_db.reset_caches()
    yield url
    monkeypatch.setenv("XYD_DATABASE_URL", previous)
    core_db.reset_caches()


@pytest.fixture
def redis_url() -> str:
    if not redis_reachable():
        unavailable(
            "Redis at " + REDIS_URL,
            'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
        )
    return REDIS_URL
