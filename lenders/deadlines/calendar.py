"""Working days in China (工作日): public holidays and adjusted working days (调休) honoured.

The dates come from the ``chinesecalendar`` package (github.com/LKI/chinese-calendar), which
transcribes each year's State Council notice and covers 2004 up to the latest published year.
For the years this platform runs in, the notices are:

- 2024: 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号 (2023-10-25)
- 2025: 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号 (2024-11-12)
- 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)

``tests/lenders/deadlines/test_calendar.py`` holds these three notices as a table and checks
every day of those years, so a package release that changed them would fail the build.

The State Council publishes next year's arrangement each autumn (October–November); then
upgrade the package (``uv lock --upgrade-package chinesecalendar``). For a year it does not
cover yet, a day is a working day when it is Monday to Friday, and a warning is logged once per
year: a deadline running into January before the notice is out is then at most a holiday or two
early, which is better than refusing to set deadlines at all.

A deadline "N working days after" a moment: the moment's day D is taken in the city's time
zone (``XYD_TIMEZONE``, Asia/Shanghai), the Nth working day after D (D itself never counts,
whatever the hour) is the due day, and the deadline is the last millisecond of the due day,
23:59:59.999 city time, returned in UTC for storage. A lead is overdue when ``now > due_at``. The
last millisecond rather than the next midnight so that the deadline, shown in city time, falls
on the due day itself, and so that it survives storage and JSON with millisecond precision
unchanged.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from app.core.clock import city_zone

logger = logging.getLogger(__name__)

FIRST_COVERED_YEAR: int = min(chinese_calendar.holidays).year
LAST_COVERED_YEAR: int = max(chinese_calendar.holidays).year
END_OF_DAY = time(23, 59, 59, 999_000)


def is_covered(year: int) -> bool:
    """Whether the holiday arrangement of ``year`` is known (else: weekends only)."""
    return FIRST_COVERED_YEAR <= year <= LAST_COVERED_YEAR


def is_working_day(day: date | datetime) -> bool:
    """Whether ``day`` is a working day in China; an aware datetime is read in the city."""
    local = local_day(day)
    if is_covered(local.year):
        return bool(chinese_calendar.is_workday(local))
    _warn_uncovered(local.year)
    return local.weekday() < 5


def add_working_days(start: datetime, n: int) -> datetime:
    """The deadline ``n`` working days after ``start``: the due day's 23:59:59.999 local, in UTC.

    ``start`` must be timezone-aware; ``n`` at least 1. See the module's docstring.
    """
    if n < 1:
        raise ValueError(f"a deadline is at least 1 working day away, not {n}")
    day = local_day(start)
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return datetime.combine(day, END_OF_DAY, tzinfo=city_zone()).astimezone(UTC)


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """The working days after ``a``'s day up to and including ``b``'s day; negative if b < a.

    The inverse of ``add_working_days``: the due day of a deadline ``n`` working days after
    ``a`` is the day ``d`` with ``working_days_between(a, d) == n`` and ``d`` a working day.
    """
    first, last = local_day(a), local_day(b)
    if last < first:
        return -working_days_between(last, first)
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


# Office hours (营业时间) on a working day, city time: what "response time in working hours"
# counts in the monitoring's league table.
OFFICE_OPENS, OFFICE_CLOSES = time(9, 0), time(17, 0)


def working_minutes_between(a: datetime, b: datetime) -> int:
    """Whole minutes of office hours on working days from ``a`` to ``b`` (0 if b ≤ a): an
    offer at 18:00 on a Friday answered at 10:00 on Monday took 60 working minutes."""
    if b <= a:
        return 0
    zone = city_zone()
    start, end = a.astimezone(zone), b.astimezone(zone)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            opens = datetime.combine(day, OFFICE_OPENS, tzinfo=zone)
            closes = datetime.combine(day, OFFICE_CLOSES, tzinfo=zone)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def local_day(moment: date | datetime) -> date:
    """The calendar day in the city: a date as it is, an aware datetime converted first."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("a naive datetime has no day in the city; give it a time zone")
        return moment.astimezone(city_zone()).date()
    return moment


@lru_cache
def _warn_uncovered(year: int) -> None:
    logger.warning(
        "no Chinese holiday arrangement for %s (known: %s–%s); counting weekends only. "
        "Upgrade chinesecalendar once the State Council has published it.",
        year,
        FIRST_COVERED_YEAR,
        LAST_COVERED_YEAR,
    )
