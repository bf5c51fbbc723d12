"""The city's small hours: tests whose outcome depends on the date also run at 01:00 Beijing time.

Between 00:00 and 08:00 in Huzhou the UTC date is still yesterday's, so a business date taken
from the UTC clock is a day behind the city's. ``city_small_hours()`` is the most recent 01:00 in
Asia/Shanghai; the ``city_clock`` fixture moves this process's clock there (and lets it tick),
and ``travelling_env`` does the same for the Python processes a test starts (``xyd``
commands, bank simulators, workers, and the processes they start), by one offset from the real
time, so their clocks agree with each other (``tests/timetravel/sitecustomize.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine

from app.core.clock import city_zone

TRAVEL_SITE = Path(__file__).with_name("timetravel")


def city_small_hours(now: datetime | None = None) -> datetime:
    """The most recent 01:00 in the city before ``now``, in UTC."""
    zone = city_zone()
    local = (now or datetime.now(UTC)).astimezone(zone)
    moment = datetime.combine(local.date(), time(1, 0), tzinfo=zone)
    if moment > local:
        moment -= timedelta(days=1)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class CityClock:
    """Where a test's clock stands: what it read when the test began, and how far that is from
    the real time (the offset the processes the test starts are given too)."""

    start: datetime
    offset: timedelta

    def env(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` for Python processes whose wall clocks read this clock, ticking on."""
        path = [str(TRAVEL_SITE), *filter(None, [env.get("PYTHONPATH", "")])]
        return {
            **env,
            "PYTHONPATH": os.pathsep.join(path),
            "XYD_TEST_CLOCK_OFFSET": f"{self.offset.total_seconds():.3f}",
        }


CLOCKS = {"real clock": None, "01:00 Beijing": city_small_hours}


@pytest.fixture(params=list(CLOCKS))
def city_clock(request: pytest.FixtureRequest) -> Iterator[CityClock]:
    """Each test that takes it runs twice: at the real time and from 01:00 Beijing time.

    List it before the fixtures that create data, so they are created at the moved time too.
    """
    place = CLOCKS[request.param]
    now = datetime.now(UTC)
    if place is None:
        yield CityClock(start=now, offset=timedelta(0))
        return
    moment = place(now)
    with time_machine.travel(moment, tick=True):
        datetime.now(UTC)  # the moved clock ticks from its first reading: start it now
        yield CityClock(start=moment, offset=moment - now)


def travelling_env(env: dict[str, str], *, at: datetime) -> dict[str, str]:
    """``env`` for Python processes whose wall clocks read ``at`` now and tick on from there."""
    return CityClock(start=at, offset=at - datetime.now(UTC)).env(env)
