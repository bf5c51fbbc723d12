"""Transaction ids, so a reader can page through rows in an order no later commit can break.

Rows numbered by a sequence commit in any order: a transaction that took id N may commit
after one that took N+1 was already read, and a reader paging "after N+1" never sees N. So a
row also records the id of the transaction that wrote it (``current_xact_id``), and a reader
hands out only rows written by transactions older than every transaction still running
(``xact_horizon``): nothing can commit below that line any more.

PostgreSQL (13+): ``pg_current_xact_id()`` and the xmin of the reader's snapshot; ``xid8`` is 64
bits and never wraps. SQLite has one writer at a time, so its ids are already in commit order:
every row gets 0 and the horizon (1) lets everything through.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class current_xact_id(FunctionElement[int]):  # lower case: a SQL function
    """The writing transaction's id: a column default evaluated inside the INSERT."""

    type = BigInteger()
    inherit_cache = True


class xact_horizon(FunctionElement[int]):
    """The oldest transaction still running as the statement starts: rows below it are final."""

    type = BigInteger()
    inherit_cache = True


class own_xact_id(FunctionElement[int]):
    """The reading transaction's own id if it has written, else NULL: its own rows it may see.

    Only a transaction that writes events and then pages through them (a test's single
    transaction) uses this; a pull is a read-only request, whose id is NULL.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(current_xact_id)
def _current_default(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "0"


@compiles(current_xact_id, "postgresql")
def _current_postgresql(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT)"


@compiles(xact_horizon)
def _horizon_default(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "1"


@compiles(xact_horizon, "postgresql")
def _horizon_postgresql(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS BIGINT)"


@compiles(own_xact_id)
def _own_default(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "NULL"


@compiles(own_xact_id, "postgresql")
def _own_postgresql(_element: Any, _compiler: Any, **_kw: Any) -> str:
    return "CAST(CAST(pg_current_xact_id_if_assigned() AS TEXT) AS BIGINT)"
