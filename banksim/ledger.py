"""What the simulated bank received: every event once by id, and counters of everything else."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, TextIO

COUNTERS = (
    "requests",  # webhook POSTs that reached the bank
    "rejected_signature",  # answered 401: no valid XYD-Signature
    "rejected_body",  # answered 400: not an event envelope
    "injected_failures",  # answered 500 on purpose (fail share)
    "down_refusals",  # answered 503 or reset while down
    "acknowledged",  # answered 2xx, duplicates included
    "duplicates",  # answered 2xx for an event id acknowledged before
)


class Ledger:
    """Thread-safe record; ``jsonl`` appends one line per newly acknowledged event."""

    def __init__(self, jsonl: Path | None = None) -> None:
        self._lock = threading.Lock()
        self.counts = dict.fromkeys(COUNTERS, 0)
        self.events: dict[str, dict[str, Any]] = {}
        self.first_ack: float | None = None
        self.last_ack: float | None = None
        self._file: TextIO | None = jsonl.open("a", encoding="utf-8") if jsonl else None

    def count(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    def acknowledge(self, event: dict[str, Any]) -> bool:
        """Record an acknowledged event; False when its id was acknowledged before."""
        now = time.time()
        with self._lock:
            self.counts["acknowledged"] += 1
            self.first_ack = self.first_ack or now
            self.last_ack = now
            if event["id"] in self.events:
                self.counts["duplicates"] += 1
                return False
            record = {"received_at": now, **event}
            self.events[event["id"]] = record
            if self._file is not None:
                self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._file.flush()
            return True

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                **self.counts,
                "unique": len(self.events),
                "first_ack": self.first_ack,
                "last_ack": self.last_ack,
            }

    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.events.values())
