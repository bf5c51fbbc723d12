"""The monitoring tasks beat sends: the incremental refresh every half hour, the whole rebuild
nightly."""

from __future__ import annotations

import pytest
from celery.schedules import crontab
from sqlmodel import Session, col, select

from app.core import db
from app.core.config import ScheduleSettings
from app.core.taskqueue import beat_schedule, celery_app, configure_celery
from app.monitoring.models import MonitoringRefresh
from app.monitoring.tasks import rebuild, refresh


def test_the_tasks_rebuild_then_refresh_incrementally(committed_database: str) -> None:
    assert rebuild.apply().get() == 0  # an empty city: no cell
    assert refresh.apply().get() == 0
    with Session(db.get_engine()) as session:
        made = session.exec(select(MonitoringRefresh).order_by(col(MonitoringRefresh.id))).all()
    assert [(row.full, row.made_by) for row in made] == [
        (True, "scheduler"),
        (False, "scheduler"),
    ]
    assert all(row.read_from is not None for row in made)


def test_beat_refreshes_every_half_hour_and_rebuilds_nightly() -> None:
    configure_celery()
    for name, task, when in (
        ("monitoring-refresh", "monitoring.refresh", crontab(minute="*/30")),
        ("monitoring-rebuild", "monitoring.rebuild", crontab(minute="20", hour="2")),
    ):
        entry = celery_app.conf.beat_schedule[name]
        assert entry["task"] == task and task in celery_app.tasks
        assert entry["schedule"] == when


def test_either_schedule_is_a_setting_and_a_bad_one_is_refused() -> None:
    off = beat_schedule(ScheduleSettings(monitoring_rebuild_cron=""))
    assert "monitoring-rebuild" not in off and "monitoring-refresh" in off
    with pytest.raises(ValueError, match="monitoring_rebuild_cron"):
        ScheduleSettings(monitoring_rebuild_cron="20 2 *")
