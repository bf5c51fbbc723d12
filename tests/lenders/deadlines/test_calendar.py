import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.clock import city_zone, to_local
from lenders.deadlines import calendar
from lenders.deadlines.calendar import (
    add_working_days,
    is_covered,
    is_working_day,
    local_day,
    working_days_between,
)

CITY = city_zone()  # the city's zone, Asia/Shanghai unless XYD_TIMEZONE says otherwise


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _d(text: str) -> date:
    return date.fromisoformat(text)


# The State Council's notices (国务院办公厅关于YYYY年部分节假日安排的通知), typed from the text:
# year -> (days off, as ranges, and the weekend days that are working days, 调休上班).
OFFICIAL = {
    2024: (  # 国办发明电〔2023〕7号
        [
            ("2024-01-01", "2024-01-01"),
            ("2024-02-10", "2024-02-17"),
            ("2024-04-04", "2024-04-06"),
            ("2024-05-01", "2024-05-05"),
            ("2024-06-10", "2024-06-10"),
            ("2024-09-15", "2024-09-17"),
            ("2024-10-01", "2024-10-07"),
        ],
        [
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ],
    ),
    2025: (  # 国办发明电〔2024〕12号
        [
            ("2025-01-01", "2025-01-01"),
            ("2025-01-28", "2025-02-04"),
            ("2025-04-04", "2025-04-06"),
            ("2025-05-01", "2025-05-05"),
            ("2025-05-31", "2025-06-02"),
            ("2025-10-01", "2025-10-08"),
        ],
        ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ),
    2026: (  # 国务院办公厅 2025-11-04
        [
            ("2026-01-01", "2026-01-03"),
            ("2026-02-15", "2026-02-23"),
            ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"),
            ("2026-06-19", "2026-06-21"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ],
        ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    ),
}


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_every_day_of_the_year_follows_the_notice(year: int) -> None:
    ranges, adjusted = OFFICIAL[year]
    off = set().union(*(_days(_d(a), _d(b)) for a, b in ranges))
    on = {_d(x) for x in adjusted}
    assert all(day.weekday() >= 5 for day in on), "调休 working days are weekend days"
    assert is_covered(year)
    wrong = [
        day
        for day in _days(date(year, 1, 1), date(year, 12, 31))
        if is_working_day(day) != (day in on or (day.weekday() < 5 and day not in off))
    ]
    assert wrong == []


def test_national_day_2025() -> None:
    assert not any(is_working_day(day) for day in _days(_d("2025-10-01"), _d("2025-10-08")))
    assert is_working_day(_d("2025-09-28"))  # Sunday, 调休
    assert is_working_day(_d("2025-10-11"))  # Saturday, 调休
    assert not is_working_day(_d("2025-10-12"))  # an ordinary Sunday


def test_weekends_do_not_count_and_a_friday_lead_is_due_on_monday() -> None:
    assert not is_working_day(_d("2025-03-08"))
    assert not is_working_day(_d("2025-03-09"))
    friday = datetime(2025, 3, 7, 9, 0, tzinfo=CITY)
    assert local_day(add_working_days(friday, 1)) == _d("2025-03-10")


def test_an_adjusted_saturday_counts_as_a_working_day() -> None:
    # Friday 2025-09-26: Saturday 27th is off, Sunday 28th is a 调休 working day.
    friday = datetime(2025, 9, 26, 10, 0, tzinfo=CITY)
    assert local_day(add_working_days(friday, 1)) == _d("2025-09-28")
    # Friday 2025-10-10: Saturday 11th is a 调休 working day.
    assert local_day(add_working_days(datetime(2025, 10, 10, 16, 0, tzinfo=CITY), 1)) == _d(
        "2025-10-11"
    )


def test_deadline_across_national_day_2025() -> None:
    created = datetime(2025, 9, 30, 15, 0, tzinfo=CITY)  # Tuesday, the eve of 国庆
    due = add_working_days(created, 3)
    # Oct 1–8 off; the 9th, the 10th and Saturday the 11th (调休) are the three working days.
    assert to_local(due) == datetime(2025, 10, 11, 23, 59, 59, 999_000, tzinfo=CITY)
    assert working_days_between(created, due) == 3


def test_deadline_across_spring_festival_2026() -> None:
    created = datetime(2026, 2, 13, 18, 0, tzinfo=CITY)  # Friday before 春节
    due = add_working_days(created, 3)
    # Saturday Feb 14 is a 调休 working day (1), Feb 15–23 off, then the 24th (2) and 25th (3).
    assert local_day(due) == _d("2026-02-25")
    assert local_day(add_working_days(created, 1)) == _d("2026-02-14")
    assert local_day(add_working_days(created, 2)) == _d("2026-02-24")


def test_the_deadline_is_stored_in_utc() -> None:
    due = add_working_days(datetime(2025, 9, 30, 15, 0, tzinfo=CITY), 3)
    assert due.tzinfo is UTC
    # 23:59:59.999 in Shanghai (UTC+8, no daylight saving) is 15:59:59.999 UTC the same day.
    assert due == datetime(2025, 10, 11, 15, 59, 59, 999_000, tzinfo=UTC)
    assert due.isoformat() == "2025-10-11T15:59:59.999000+00:00"


def test_the_day_is_taken_in_shanghai_not_utc() -> None:
    # 2025-03-06 16:30 UTC is already Friday the 7th, 00:30, in Shanghai.
    assert local_day(add_working_days(datetime(2025, 3, 6, 16, 30, tzinfo=UTC), 1)) == _d(
        "2025-03-10"
    )
    # 15:30 UTC is still Thursday the 6th, 23:30, in Shanghai.
    assert local_day(add_working_days(datetime(2025, 3, 6, 15, 30, tzinfo=UTC), 1)) == _d(
        "2025-03-07"
    )
    # Sep 30 16:30 UTC is Oct 1 in Shanghai: a holiday, though Sep 30 is a working day.
    assert not is_working_day(datetime(2025, 9, 30, 16, 30, tzinfo=UTC))
    assert is_working_day(datetime(2025, 9, 30, 15, 30, tzinfo=UTC))


@pytest.mark.parametrize("hour", [0, 9, 23])
def test_the_hour_of_creation_does_not_matter(hour: int) -> None:
    created = datetime(2025, 6, 3, hour, 59, tzinfo=CITY)
    assert local_day(add_working_days(created, 3)) == _d("2025-06-06")


def test_a_lead_created_on_a_holiday_counts_from_the_next_working_day() -> None:
    created = datetime(2025, 10, 3, 11, 0, tzinfo=CITY)
    assert local_day(add_working_days(created, 1)) == _d("2025-10-09")


def test_working_days_between() -> None:
    assert working_days_between(_d("2025-09-30"), _d("2025-10-11")) == 3
    assert working_days_between(_d("2025-10-11"), _d("2025-09-30")) == -3
    assert working_days_between(_d("2025-10-02"), _d("2025-10-02")) == 0
    assert working_days_between(_d("2025-10-01"), _d("2025-10-08")) == 0
    # All of 2025: 261 weekdays, less 18 of them off, plus 5 调休 weekend days.
    assert working_days_between(_d("2024-12-31"), _d("2025-12-31")) == 248


def test_working_days_between_inverts_add_working_days() -> None:
    start = datetime(2024, 1, 1, 12, 0, tzinfo=CITY)
    for offset in range(0, 3 * 365, 7):
        created = start + timedelta(days=offset)
        for n in (1, 3, 5):
            due = add_working_days(created, n)
            assert is_working_day(due)
            assert working_days_between(created, due) == n
            assert working_days_between(created, local_day(due) - timedelta(days=1)) == n - 1


def test_misuse_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_working_days(datetime(2025, 1, 2, 9, 0), 3)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        is_working_day(datetime(2025, 1, 2, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="at least 1 working day"):
        add_working_days(datetime(2025, 1, 2, 9, 0, tzinfo=CITY), 0)


def test_a_year_without_a_notice_falls_back_to_weekends_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calendar._warn_uncovered.cache_clear()
    assert not is_covered(2099)
    with caplog.at_level(logging.WARNING, logger="lenders.deadlines.calendar"):
        assert is_working_day(_d("2099-01-01"))  # a Thursday: New Year unknown, so working
        assert not is_working_day(_d("2099-01-03"))  # a Saturday
        due = add_working_days(datetime(2099, 1, 2, 9, 0, tzinfo=CITY), 1)
    assert local_day(due) == _d("2099-01-05")
    warnings = [r for r in caplog.records if "2099" in r.getMessage()]
    assert len(warnings) == 1
    assert "weekends only" in warnings[0].getMessage()


def test_working_minutes_count_office_hours_of_working_days_only() -> None:
    # Friday 7 March 2025 18:00 → Monday 10:00: only Monday 09:00–10:00 counts
    friday_evening = datetime(2025, 3, 7, 18, 0, tzinfo=CITY)
    assert (
        calendar.working_minutes_between(friday_evening, datetime(2025, 3, 10, 10, 0, tzinfo=CITY))
        == 60
    )
    # within one day: 10:30 → 16:15 is 5 h 45 min; before opening and after closing count nothing
    assert (
        calendar.working_minutes_between(
            datetime(2025, 3, 10, 10, 30, tzinfo=CITY), datetime(2025, 3, 10, 16, 15, tzinfo=CITY)
        )
        == 345
    )
    assert (
        calendar.working_minutes_between(
            datetime(2025, 3, 10, 6, 0, tzinfo=CITY), datetime(2025, 3, 10, 8, 59, tzinfo=CITY)
        )
        == 0
    )
    # across National Day 2025 (1–8 October off): 30 Sep 16:00 → 9 Oct 09:30 is 60 + 30 minutes
    assert (
        calendar.working_minutes_between(
            datetime(2025, 9, 30, 16, 0, tzinfo=CITY), datetime(2025, 10, 9, 9, 30, tzinfo=CITY)
        )
        == 90
    )
    # given in UTC, read in the city: 01:00Z is 09:00 Beijing
    assert (
        calendar.working_minutes_between(
            datetime(2025, 3, 10, 1, 0, tzinfo=UTC), datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
        )
        == 60
    )
    assert (
        calendar.working_minutes_between(friday_evening, friday_evening - timedelta(hours=1)) == 0
    )
