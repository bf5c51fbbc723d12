"""Events of the whitelist (白名单)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from app.core.events import Event


@dataclass(frozen=True)
class MembersExited(Event):
    """Enterprises left the whitelist, each with its reason codes, at a refresh or at once."""

    exits: Mapping[str, list[str]]  # uscc → reason codes
    trigger: str  # whitelist.models.Trigger's value
    version_number: int | None  # the refresh's version; None for an exit at once
    at: datetime
