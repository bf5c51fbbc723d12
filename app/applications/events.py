"""Events of financing applications (融资需求)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.audit.service import Actor
from app.core.events import Event


@dataclass(frozen=True)
class ApplicationEnded(Event):
    """The need ended before a bank approved it: withdrawn by the enterprise, or expired."""

    application_id: int
    reason: str
    actor: Actor
    at: datetime | None = None
