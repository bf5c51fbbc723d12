"""Business dates: China's calendar day, month arithmetic for maturities."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lenders.loans import dates


def test_add_months_keeps_the_day_or_the_months_last_day() -> None:
    assert dates.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert dates.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert dates.add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
    assert dates.add_months(date(2026, 12, 31), 120) == date(2036, 12, 31)


def test_today_is_the_city_day_not_the_utc_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # 17:30 UTC on 30 November is 01:30 on 1 December in Huzhou.
    monkeypatch.setattr(dates, "utcnow", lambda: datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    assert dates.today() == date(2026, 12, 1)


def test_checks_name_the_field() -> None:
    with pytest.raises(dates.DateInFuture) as future:
        dates.not_in_future(date(2026, 12, 2), field="paid_on", now=date(2026, 12, 1))
    assert future.value.extra["field"] == "paid_on"
    with pytest.raises(dates.DateOutOfOrder) as early:
        dates.not_before(
            date(2026, 1, 1), field="as_of", earliest=date(2026, 1, 2), what="the disbursement"
        )
    assert early.value.extra == {"field": "as_of", "earliest": "2026-01-02"}
    dates.not_before(date(2026, 1, 2), field="as_of", earliest=date(2026, 1, 2), what="it")
