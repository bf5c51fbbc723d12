"""Business dates of loans: the city's calendar days (Asia/Shanghai), checked against each other."""

from __future__ import annotations

import calendar
from datetime import date

from app.core.clock import to_local, utcnow
from lenders.loans.exceptions import DateInFuture, DateOutOfOrder


def today() -> date:
    """Today in the city: a bank reporting at 07:00 on the 1st in Huzhou is on the 1st."""
    return to_local(utcnow()).date()


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 month is 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def not_in_future(day: date, *, field: str, now: date) -> None:
    if day > now:
        raise DateInFuture(
            f"{field} {day.isoformat()} is after today ({now.isoformat()}, China time)",
            field=field,
        )


def not_before(day: date, *, field: str, earliest: date, what: str) -> None:
    if day < earliest:
        raise DateOutOfOrder(
            f"{field} {day.isoformat()} is before {what} ({earliest.isoformat()})",
            field=field,
            earliest=earliest.isoformat(),
        )
