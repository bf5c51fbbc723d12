"""Events about an enterprise as a whole, published by whichever area changed what is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.events import Event


class FactsTrigger(StrEnum):
    """What changed an enterprise's facts between two whitelist refreshes."""

    CREDIT_EVENT = "credit_event"  # put on a disqualifying public credit list (名单)
    REGISTRY = "registry"  # deregistered or revoked (注销、吊销)
    CONSENT = "consent"  # a data authorization (授权) revoked
    WITHDRAWAL = "withdrawal"  # the enterprise withdrew its financing application
    EXPIRY = "expiry"  # the application sweep ended a stale need


@dataclass(frozen=True)
class EnterpriseFactsChanged(Event):
    """What is known of these enterprises changed in a way that may disqualify them now."""

    usccs: tuple[str, ...]
    trigger: FactsTrigger
    at: datetime | None = None  # when it counts; now if not given
