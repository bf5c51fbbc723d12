"""The daily expiry sweep as beat sends it: a Celery task, scheduled before the refresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from sqlalchemy import update
from sqlmodel import select

from app.applications.models import ApplicationStatus, FinancingApplication
from app.applications.tasks import expire
from app.core.clock import utcnow
from app.core.config import ScheduleSettings
from app.core.db import session_scope
from app.core.taskqueue import beat_schedule, celery_app, configure_celery
from tests.factories import make_application, make_enterprise

XYD = str(Path(sys.executable).with_name("xyd"))


def add_stale_and_fresh_applications() -> tuple[int, int]:
    with session_scope() as session:
        firm = make_enterprise(session)
        stale, fresh = make_application(session, firm), make_application(session, firm)
        session.exec(
            update(FinancingApplication)
            .where(FinancingApplication.id == stale.id)  # type: ignore[arg-type]
            .values(created_at=utcnow() - timedelta(days=91))
        )
        assert stale.id is not None and fresh.id is not None
        return stale.id, fresh.id


def statuses() -> dict[int, ApplicationStatus]:
    with session_scope() as session:
        rows = session.exec(select(FinancingApplication.id, FinancingApplication.status)).all()
        return {int(i): s for i, s in rows if i is not None}


def test_the_task_expires_stale_needs_and_a_second_run_expires_none(
    committed_database: str,
) -> None:
    stale, fresh = add_stale_and_fresh_applications()
    assert expire.apply().get() == 1
    assert statuses() == {stale: ApplicationStatus.EXPIRED, fresh: ApplicationStatus.SUBMITTED}
    assert expire.apply().get() == 0


def test_the_cli_runs_the_same_sweep(committed_database: str, tmp_path: Path) -> None:
    stale, _ = add_stale_and_fresh_applications()
    environment = os.environ | {"XYD_DATA_DIR": str(tmp_path), "XYD_BROKER_URL": ""}
    result = subprocess.run(
        [XYD, "applications", "expire"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"expired": 1, "skipped": 0, "window_days": 90}
    assert statuses()[stale] is ApplicationStatus.EXPIRED


def test_beat_sweeps_daily_half_an_hour_before_the_refresh() -> None:
    configure_celery()
    entry = celery_app.conf.beat_schedule["applications-expire"]
    assert entry["task"] == "applications.expire" and entry["task"] in celery_app.tasks
    assert entry["schedule"] == crontab(minute="30", hour="5")


def test_the_sweep_schedule_is_a_setting_and_a_bad_one_is_refused() -> None:
    assert "applications-expire" not in beat_schedule(ScheduleSettings(application_expiry_cron=""))
    hourly = beat_schedule(ScheduleSettings(application_expiry_cron="0 * * * *"))
    assert hourly["applications-expire"]["schedule"] == crontab(minute="0")
    with pytest.raises(ValueError, match="application_expiry_cron"):
        ScheduleSettings(application_expiry_cron="0 5 * *")
