"""One webhook delivery, without HTTP: verify the signature, misbehave as told, record, hand on."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from banksim.behaviour import Behaviour
from banksim.ledger import Ledger
from lenders.delivery.exceptions import SignatureError
from lenders.delivery.signing import DEFAULT_TOLERANCE, verify

Handler = Callable[[dict[str, Any]], None]
RESET = -1  # the status that tells the server to reset the connection instead of answering


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


@dataclass
class Receiver:
    """A bank's webhook endpoint: its secrets (both during rotation) and what it does."""

    secrets: Sequence[str]
    behaviour: Behaviour = field(default_factory=Behaviour)
    ledger: Ledger = field(default_factory=Ledger)
    tolerance: int = DEFAULT_TOLERANCE
    handlers: list[Handler] = field(default_factory=list)
    wall: Callable[[], float] = time.time

    def receive(self, *, signature: str | None, body: bytes) -> Reply:
        """The answer to one POST with header ``XYD-Signature`` = ``signature`` and ``body``."""
        if self.behaviour.is_down():
            self.ledger.count("down_refusals")
            if self.behaviour.down_mode == "reset":
                return Reply(RESET, {})
            return Reply(503, {"error": "the bank is down for maintenance"})
        self.ledger.count("requests")
        refusal = self._check(signature, body)
        if refusal is not None:
            return refusal
        if self.behaviour.delay_ms:
            time.sleep(self.behaviour.delay_ms / 1000)
        if self.behaviour.draw_failure():
            self.ledger.count("injected_failures")
            return Reply(500, {"error": "simulated failure"})
        event = json.loads(body)
        if not self.ledger.acknowledge(event):
            return Reply(200, {"received": event["id"], "duplicate": True})
        for handler in self.handlers:
            handler(event)
        return Reply(200, {"received": event["id"]})

    def _check(self, signature: str | None, body: bytes) -> Reply | None:
        """A 401 or 400 for a delivery the bank must not act on; None when it is genuine."""
        try:
            verify(
                signature or "",
                body,
                list(self.secrets),
                now=int(self.wall()),
                tolerance=self.tolerance,
            )
        except SignatureError as error:
            self.ledger.count("rejected_signature")
            return Reply(401, {"error": str(error)})
        if _envelope(body) is None:
            self.ledger.count("rejected_body")
            return Reply(400, {"error": "the body is not an event envelope"})
        return None


def _envelope(body: bytes) -> dict[str, Any] | None:
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        return None
    return event
