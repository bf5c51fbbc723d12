"""What the consent area asks of the areas above it (answered through ``app.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Query


@dataclass(frozen=True)
class IsMatched(Query[bool]):
    """Whether the bank is matched with the enterprise, so that it may read under a consent."""

    uscc: str
    lender_code: str
