"""The city's time zone is a setting (XYD_TIMEZONE) read in one place; business dates follow it."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.core.clock import city_zone, to_local
from app.core.config import get_city, get_settings
from lenders.deadlines.calendar import local_day
from lenders.loans import dates

# 20:00 UTC on 1 March 2025 is already 04:00 on 2 March in Huzhou.
LATE_UTC = datetime(2025, 3, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Lets a test set XYD_TIMEZONE; the cached settings are rebuilt before and after."""
    get_settings.cache_clear()
    get_city.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()
    get_city.cache_clear()


def test_the_city_is_in_shanghai_by_default(zone: pytest.MonkeyPatch) -> None:
    zone.delenv("XYD_TIMEZONE", raising=False)
    assert city_zone() == ZoneInfo("Asia/Shanghai")
    assert to_local(LATE_UTC).date() == local_day(LATE_UTC) == date(2025, 3, 2)


def test_the_timezone_setting_moves_the_city_date(zone: pytest.MonkeyPatch) -> None:
    zone.setenv("XYD_TIMEZONE", "UTC")
    assert city_zone() == ZoneInfo("UTC")
    assert to_local(LATE_UTC).date() == local_day(LATE_UTC) == date(2025, 3, 1)
    with time_machine.travel(LATE_UTC, tick=False):
        assert dates.today() == date(2025, 3, 1)
    zone.setenv("XYD_TIMEZONE", "Asia/Shanghai")
    get_settings.cache_clear()
    get_city.cache_clear()
    with time_machine.travel(LATE_UTC, tick=False):
        assert dates.today() == date(2025, 3, 2)


def test_an_unknown_zone_stops_the_process_naming_the_variable(zone: pytest.MonkeyPatch) -> None:
    zone.setenv("XYD_TIMEZONE", "Asia/Huzhou")
    with pytest.raises(ValueError, match="XYD_TIMEZONE"):
        get_settings()
