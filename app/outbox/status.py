"""Where an event's push stands; in a module of its own so the command line loads it cheaply."""

from __future__ import annotations

from enum import StrEnum


class DeliveryStatus(StrEnum):
    """Where an event's push to its bank stands; pulling never changes it."""

    PENDING = "pending"  # 待投递: not yet acknowledged, retried with back-off
    DELIVERED = "delivered"  # 已送达: the bank answered 2xx
    DEAD = "dead"  # 死信 dead letter: retries ran out; staff may redeliver
