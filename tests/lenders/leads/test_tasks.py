"""The lead tasks beat sends every few minutes, and the CLI that runs them now."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.schedules import crontab

from app.core.config import ScheduleSettings, Settings
from app.core.taskqueue import beat_schedule, celery_app, configure_celery
from lenders.leads.tasks import route, sweep_deadlines

XYD = str(Path(sys.executable).with_name("xyd"))


def test_the_tasks_run_and_report_what_they_did(committed_database: str) -> None:
    assert route.apply().get() == {"applications": 0, "matched": 0, "leads": 0}
    assert sweep_deadlines.apply().get() == {
        "expired": 0,
        "reoffered": 0,
        "applications_expired": 0,
        "decisions_overdue": 0,
    }


def test_beat_routes_and_sweeps_every_five_minutes() -> None:
    configure_celery()
    for name, task in (("leads-route", "leads.route"), ("leads-sweep", "leads.sweep_deadlines")):
        entry = celery_app.conf.beat_schedule[name]
        assert entry["task"] == task and task in celery_app.tasks
        assert entry["schedule"] == crontab(minute="*/5")


def test_the_lead_schedule_is_a_setting_and_a_bad_one_is_refused() -> None:
    off = beat_schedule(ScheduleSettings(lead_cron=""))
    assert "leads-route" not in off and "leads-sweep" not in off
    with pytest.raises(ValueError, match="lead_cron"):
        ScheduleSettings(lead_cron="*/5 * *")


@pytest.mark.parametrize("command", ["route", "sweep"])
def test_the_cli_runs_them_now(committed_database: str, command: str) -> None:
    result = subprocess.run(
        [XYD, "leads", command],
        env=os.environ | {"XYD_BROKER_URL": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts and all(value == 0 for value in counts.values())


@pytest.mark.parametrize(
    ("name", "value"),
    [("XYD_LEAD_FANOUT", "0"), ("XYD_LEAD_RESPOND_WORKING_DAYS", "0"), ("XYD_LEAD_FANOUT", "x")],
)
def test_bad_lead_settings_stop_the_process_at_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        Settings()
