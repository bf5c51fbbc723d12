"""What a bank receives for one event, by webhook and by pull: the envelope and its bytes.

``{"id": event_id, "type": topic, "created_at": "2026-12-01T10:00:00.123456Z", "data": payload}``

The webhook body is these bytes exactly, and the signature covers them, so they are made in one
place and are the same on every retry (a bank may compare or store them).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from app.outbox.models import OutboxEvent


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a ``Z``: one spelling for every event."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def envelope(event: OutboxEvent) -> dict[str, Any]:
    """The event as a bank sees it."""
    return {
        "id": event.event_id,
        "type": event.topic,
        "created_at": timestamp(event.created_at),
        "data": event.payload,
    }


def body(event: OutboxEvent) -> bytes:
    """The webhook body: the envelope as compact UTF-8 JSON, keys in a fixed order."""
    return json.dumps(envelope(event), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
