"""The scheduled refresh: a Celery task beat sends daily, idempotent, run in-process here.

The task commits its work for real, so it runs against a database of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from sqlmodel import select

from app.core import db as core_db
from app.core.clock import utcnow
from app.core.config import ScheduleSettings
from app.core.db import session_scope
from app.core.taskqueue import beat_schedule, celery_app, configure_celery, send_now
from app.core.taskqueue import wait_for_inline_tasks as drain
from tests.conftest import fresh_schema
from tests.factories import make_application, make_authorization, make_enterprise
from tests.whitelist_fixtures import champion_row, score
from whitelist.models import WhitelistMember, WhitelistVersion
from whitelist.tasks import refresh


@pytest.fixture
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    url = f"sqlite:///{tmp_path / 'whitelist-tasks.db'}"
    fresh_schema(url).dispose()
    previous = os.environ.get("XYD_DATABASE_URL", "")
    monkeypatch.setenv("XYD_DATABASE_URL", url)
    core_db.reset_caches()
    yield
    monkeypatch.setenv("XYD_DATABASE_URL", previous)
    core_db.reset_caches()


def add_champion_and_a_qualified_firm() -> str:
    with session_scope() as session:
        session.add(champion_row())
        firm = make_enterprise(session, registration_date=utcnow().date() - timedelta(days=800))
        score(session, firm.uscc, "A")
        make_application(session, firm)
        make_authorization(session, firm.uscc, scope="assessment")
        return firm.uscc


def versions() -> list[int]:
    with session_scope() as session:
        return list(session.exec(select(WhitelistVersion.number)).all())


def test_the_task_refreshes_in_process_and_a_second_run_writes_nothing(own_database: None) -> None:
    assert refresh.apply().get() is None  # no champion yet: skipped, not failed
    assert versions() == []
    uscc = add_champion_and_a_qualified_firm()
    send_now("whitelist.refresh")  # no broker: the in-process pool runs it
    assert drain() == 1
    assert versions() == [1]
    with session_scope() as session:
        assert session.get(WhitelistMember, uscc) is not None
    assert refresh.apply().get() is None  # a redelivery or the next day with nothing new
    assert versions() == [1]


def test_beat_refreshes_the_whitelist_daily_at_six_china_time() -> None:
    configure_celery()
    entry = celery_app.conf.beat_schedule["whitelist-refresh"]
    assert entry["task"] == "whitelist.refresh" and entry["task"] in celery_app.tasks
    assert entry["schedule"] == crontab(minute="0", hour="6")
    assert celery_app.conf.timezone == "Asia/Shanghai"


def test_the_refresh_schedule_is_a_setting() -> None:
    weekly = beat_schedule(ScheduleSettings(whitelist_refresh_cron="30 2  * * 1"))
    assert weekly["whitelist-refresh"]["schedule"] == crontab(
        minute="30", hour="2", day_of_week="1"
    )
    assert "whitelist-refresh" not in beat_schedule(ScheduleSettings(whitelist_refresh_cron=""))


@pytest.mark.parametrize("expression", ["0 6 * *", "61 6 * * *", "0 6 * * funday"])
def test_a_bad_schedule_stops_the_process_with_a_clear_error(expression: str) -> None:
    with pytest.raises(ValueError, match="whitelist_refresh_cron") as raised:
        ScheduleSettings(whitelist_refresh_cron=expression)
    assert "is not a cron expression" in str(raised.value)
