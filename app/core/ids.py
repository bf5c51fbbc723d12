"""Row ids as the API accepts them: positive and within the narrowest id column, PostgreSQL's."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# Ids are INTEGER columns: signed 32-bit on PostgreSQL (64-bit on SQLite). A larger id cannot
# name a row, and handing it to the driver fails inside the database instead of answering 404.
MAX_ID = 2**31 - 1

RowId = Annotated[int, Field(ge=1, le=MAX_ID, description="a row id, 1 to 2³¹−1")]
