"""Reachability checks of the database and the broker."""

from __future__ import annotations

from app.core.config import get_settings
from app.core.db import get_engine


def check_database() -> str:
    """ "ok", or why the database cannot be used."""
    # On the DBAPI connection, outside any transaction: on SQLite a transaction takes the write
    # lock (BEGIN IMMEDIATE), and a health probe must not queue behind a long writer.
    try:
        connection = get_engine().raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            cursor.close()
        finally:
            connection.close()
    except Exception as error:  # any failure is a health finding, not a crash
        return f"error: {type(error).__name__}"
    return "ok"


def check_broker() -> str | None:
    """ "ok", why the broker cannot be reached, or None when no broker is configured."""
    settings = get_settings()
    if not settings.broker.configured:
        return None
    from kombu import Connection

    try:
        with Connection(settings.broker.url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"
