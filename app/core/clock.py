"""Time is stored in UTC and shown in the city's time zone (``XYD_TIMEZONE``, Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.core.config import get_city


def city_zone() -> ZoneInfo:
    """The city's time zone, read once per process (the one place it is read)."""
    return get_city().timezone


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """A stored UTC time as people in the city read it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(city_zone())
