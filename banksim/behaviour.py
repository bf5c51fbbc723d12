"""How the simulated bank misbehaves: failures, delays and downtime, changeable while it runs."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

DOWN_MODES = ("503", "reset")


@dataclass
class Behaviour:
    """The knobs; ``down_from``/``down_for`` are seconds after ``started`` (monotonic clock)."""

    fail_share: float = 0.0
    delay_ms: int = 0
    down_from: float | None = None
    down_for: float = 0.0
    down_mode: str = "503"
    down_now: bool = False  # switched on and off over HTTP, on top of the window
    seed: int = 1
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)  # noqa: S311 - reproducible misbehaviour, not security
        self._lock = threading.Lock()
        self.validate()

    def validate(self) -> None:
        if not 0.0 <= self.fail_share <= 1.0:
            raise ValueError("fail_share must be between 0 and 1")
        if self.delay_ms < 0 or self.down_for < 0:
            raise ValueError("delays and durations cannot be negative")
        if self.down_mode not in DOWN_MODES:
            raise ValueError(f"down_mode must be one of {', '.join(DOWN_MODES)}")

    def is_down(self) -> bool:
        if self.down_now:
            return True
        if self.down_from is None:
            return False
        elapsed = time.monotonic() - self.started
        return self.down_from <= elapsed < self.down_from + self.down_for

    def draw_failure(self) -> bool:
        """True for the share of deliveries answered with HTTP 500 (one seeded draw each)."""
        if self.fail_share <= 0:
            return False
        with self._lock:
            return self._rng.random() < self.fail_share

    def update(self, changes: dict[str, Any]) -> None:
        """Change some knobs (``POST /_sim/behaviour``); an unknown knob is a ValueError."""
        allowed = {"fail_share", "delay_ms", "down_from", "down_for", "down_mode", "down_now"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"unknown behaviour: {', '.join(sorted(unknown))}")
        with self._lock:
            before = {name: getattr(self, name) for name in changes}
            for name, value in changes.items():
                setattr(self, name, value)
            try:
                self.validate()
            except ValueError:
                for name, value in before.items():  # a refused change changes nothing
                    setattr(self, name, value)
                raise
            if "down_from" in changes:
                self.started = time.monotonic()  # a window given now counts from now

    def as_json(self) -> dict[str, Any]:
        return {
            "fail_share": self.fail_share,
            "delay_ms": self.delay_ms,
            "down_from": self.down_from,
            "down_for": self.down_for,
            "down_mode": self.down_mode,
            "down_now": self.down_now,
            "down": self.is_down(),
            "seed": self.seed,
        }
