"""What the applications area asks of the areas above it (answered through ``app.core.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Query


@dataclass(frozen=True)
class DemandWindowDays(Query[int]):
    """How many days a financing need counts as current: the whitelist policy's demand window."""
