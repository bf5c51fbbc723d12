"""When a failed delivery is tried again, and when it is given up (dead letter, 死信)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.config import Settings

JITTER = 0.2  # ±20 %: banks recovering from an outage are not hit by every retry at once


@dataclass(frozen=True)
class Backoff:
    """``base × 2^(attempt-1)`` seconds, capped, with jitter, never past the give-up time."""

    base_seconds: float = 30.0
    cap_seconds: float = 6 * 3600.0

    @classmethod
    def of(cls, settings: Settings) -> Backoff:
        return cls(
            base_seconds=settings.delivery.backoff_base_seconds,
            cap_seconds=settings.delivery.backoff_cap_seconds,
        )

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """The wait after the ``attempts``-th failed attempt of this round (1, 2, ...)."""
        exponent = min(max(attempts - 1, 0), 40)  # 2^40 × anything is past any cap
        seconds = min(self.base_seconds * 2**exponent, self.cap_seconds)
        spread = (rng or random).uniform(1 - JITTER, 1 + JITTER)  # jitter, not security
        return timedelta(seconds=min(seconds * spread, self.cap_seconds))

    def after_failure(
        self,
        *,
        attempts: int,
        now: datetime,
        give_up_at: datetime,
        rng: random.Random | None = None,
    ) -> datetime | None:
        """When to try next; None when the event is to be dead-lettered.

        The last try is made at the give-up time itself, so a bank that is down for most of the
        window still gets one attempt at its end.
        """
        if now >= give_up_at:
            return None
        return min(now + self.delay(attempts, rng), give_up_at)
