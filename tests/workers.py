"""Per-worker resources for pytest-xdist: a PostgreSQL database and a Redis DB for each worker."""

from __future__ import annotations

import functools
import socket

from sqlalchemy.engine import make_url

REDIS_DATABASES = 16  # Redis's default number of logical databases


def worker_index(worker: str) -> int:
    """0 for no worker or "gw0", 1 for "gw1", …"""
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def worker_postgres_url(base: str, worker: str) -> str:
    """``base`` itself outside xdist; else the same server with a database named for the worker."""
    if not worker:
        return base
    url = make_url(base)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


def worker_redis_url(base: str, worker: str) -> str:
    """``base`` outside xdist; else the DB number counted down from base's, one per worker."""
    if not worker:
        return base
    url = make_url(base)
    number = int(url.database or 0)
    mine = (number - worker_index(worker)) % REDIS_DATABASES
    return url.set(database=str(mine)).render_as_string(hide_password=False)


@functools.cache
def create_database_once(*, base: str, url: str) -> bool:
    """Create ``url``'s database through ``base``'s server when it is missing; False when the
    server cannot be reached."""
    import psycopg

    target = make_url(url)
    server = make_url(base).set(drivername="postgresql")
    try:
        with psycopg.connect(
            server.render_as_string(hide_password=False), autocommit=True, connect_timeout=3
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{target.database}"')
    except psycopg.Error:
        return False
    return True


def free_port() -> int:
    """A port nobody listens on now: tests never use a fixed one, since workers run side by side."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
