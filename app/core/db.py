"""Engine, sessions and the shared metadata conventions."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Engine, Table, create_engine, event, exc
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import sessionmaker
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from app.core.config import get_city, get_settings

# Stable constraint names make migrations reproducible on PostgreSQL and SQLite alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused; pass a timezone-aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite keeps no offset; we only ever store UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


READS_FIRST = "xyd_reads_first"  # execution option: begin deferred, lock at the first write
_READING = "xyd_deferred_read"
_READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN)\b", re.IGNORECASE)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the per-dialect settings the platform relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
    else:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    _keep_connections_in_their_process(engine)
    return engine


_PID = "xyd_pid"


def _keep_connections_in_their_process(engine: Engine) -> None:
    """A forked process (a Celery pool process, a server worker) never uses its parent's
    pooled connections: two processes on one socket interleave their protocol messages
    ("unnamed prepared statement does not exist", "server closed the connection"), and a
    transaction half-done by one is committed or lost by the other.

    The child drops an inherited connection at checkout without closing it, since closing it
    would end the parent's session on the shared socket, and the pool opens a fresh one
    (SQLAlchemy's documented pattern for pools and ``os.fork()``).
    """

    @event.listens_for(engine, "connect")
    def _remember_process(_dbapi_connection: Any, record: Any) -> None:
        record.info[_PID] = os.getpid()

    @event.listens_for(engine, "checkout")
    def _refuse_inherited(_dbapi_connection: Any, record: Any, proxy: Any) -> None:
        owner = record.info.get(_PID)
        if owner is not None and owner != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None
            raise exc.DisconnectionError(
                f"connection opened by process {owner}, checked out in {os.getpid()}"
            )


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # IMMEDIATE: a transaction takes SQLite's one write lock when it begins, waiting up to the
    # busy timeout for it. A deferred BEGIN reads first and then fails at once ("database is
    # locked") when it tries to write after another writer committed, which concurrent
    # requests on `make run` (a bank's calls, deliveries, the beat) would hit.
    # A session made with reads_first=True begins deferred instead, so reads (GET requests, a
    # login's Argon2 check) never queue for the lock; its first write ends that read
    # transaction and begins an IMMEDIATE one, which waits for the lock like any writer.
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.info[_READING] = False
        if connection.get_execution_options().get(READS_FIRST):
            connection.exec_driver_sql("BEGIN")
            connection.info[_READING] = True
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _lock_before_first_write(connection: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if connection.info.get(_READING) and not _READ_ONLY.match(statement):
            connection.info[_READING] = False
            cursor.execute("COMMIT")  # nothing was written: this only ends the read snapshot
            cursor.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        connection.info[_READING] = False


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    settings = get_settings()
    if settings.database.url.startswith("sqlite:///"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.database.url)


@lru_cache
def _session_factory(*, reads_first: bool = False) -> sessionmaker[Session]:
    engine = get_engine()
    bind = engine.execution_options(**{READS_FIRST: True}) if reads_first else engine
    return sessionmaker(bind=bind, expire_on_commit=False, class_=Session)


def new_session(*, reads_first: bool = False) -> Session:
    """A new session on the configured engine; the caller owns its transaction.

    ``reads_first``: the work mostly reads (a GET, a password check), so on SQLite it must
    not hold the write lock until it actually writes. Work that reads to decide what to write
    keeps the default, which locks at BEGIN and so sees no other writer in between.
    """
    return _session_factory(reads_first=reads_first)()


@contextmanager
def session_scope(*, reads_first: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll back when it raises.

    ``reads_first``: as ``new_session``'s, for work that reads long before it writes."""
    session = new_session(reads_first=reads_first)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def reset_caches() -> None:
    """Forget the engine and settings, for tests and CLI commands that change the environment."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    _session_factory.cache_clear()
    get_settings.cache_clear()
    get_city.cache_clear()


def enum_type(enum_cls: type[StrEnum]) -> SAEnum:
    """Store a StrEnum by its value in a plain string column, so new members need no DDL."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model, for bulk statements that skip the ORM per-row path."""
    return SQLModel.metadata.tables[str(model.__tablename__)]
