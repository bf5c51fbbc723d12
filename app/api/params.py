"""Path parameters every route shares, so each id is bounded the same way everywhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from app.core.ids import MAX_ID

# Every integer id in a path is this type: an id past the column (2³¹−1) gets 422, not a 500.
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="a row id, 1 to 2³¹−1")]
