"""Row ids as the API accepts them: positive and within the database's signed 64-bit integer."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# PostgreSQL BIGINT and SQLite INTEGER are signed 64-bit: a larger id cannot name a row, and
# handing it to the driver fails inside the database layer instead of answering 404 or 422.
MAX_ID = 2**63 - 1

RowId = Annotated[int, Field(ge=1, le=MAX_ID, description="a row id, 1 to 2⁶³−1")]
