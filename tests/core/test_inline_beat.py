"""The in-process beat of a brokerless ``xyd serve``: the same schedule, sent when due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.config import ScheduleSettings
from app.core.inline_beat import InlineBeat
from app.core.taskqueue import beat_schedule, configure_celery

# 05:00 UTC on a Tuesday is 13:00 in Shanghai.
START = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def beat(clock: Clock, sent: list[str], **settings: str) -> InlineBeat:
    configure_celery()
    return InlineBeat(beat_schedule(ScheduleSettings(**settings)), clock=clock, send=sent.append)


def test_lead_work_is_sent_every_five_minutes_and_not_in_between() -> None:
    clock, sent = Clock(), []
    inline = beat(clock, sent)
    assert inline.tick() == []  # nothing is due at the start
    clock.now = START + timedelta(minutes=4)
    assert inline.tick() == ["lenders.deliver_due"]  # every five seconds
    clock.now = START + timedelta(minutes=5, seconds=10)
    assert sorted(inline.tick()) == ["leads.route", "leads.sweep_deadlines", "lenders.deliver_due"]
    assert inline.tick() == []  # sent once per slot
    clock.now = START + timedelta(minutes=10, seconds=5)
    assert "leads.route" in inline.tick()


def test_the_daily_jobs_run_at_their_china_time() -> None:
    clock, sent = Clock(), []
    inline = beat(clock, sent, lead_cron="")
    daily = {"applications.expire", "whitelist.refresh"}
    clock.now = datetime(2026, 12, 1, 21, 29, tzinfo=UTC)  # 05:29 Shanghai on the 2nd
    assert daily.isdisjoint(inline.tick())
    clock.now = datetime(2026, 12, 1, 21, 31, tzinfo=UTC)  # 05:31
    assert daily & set(inline.tick()) == {"applications.expire"}
    clock.now = datetime(2026, 12, 1, 22, 1, tzinfo=UTC)  # 06:01
    assert daily & set(inline.tick()) == {"whitelist.refresh"}
    assert [task for task in sent if task in daily] == ["applications.expire", "whitelist.refresh"]


def test_a_task_that_cannot_be_sent_does_not_stop_the_others() -> None:
    clock = Clock()
    sent: list[str] = []

    def flaky(task: str) -> None:
        if task == "leads.route":
            raise RuntimeError("pool shut down")
        sent.append(task)

    configure_celery()
    inline = InlineBeat(beat_schedule(ScheduleSettings()), clock=clock, send=flaky)
    clock.now = START + timedelta(minutes=5)
    assert sorted(inline.tick()) == ["leads.sweep_deadlines", "lenders.deliver_due"]
    assert sorted(sent) == ["leads.sweep_deadlines", "lenders.deliver_due"]


def test_deliveries_are_looked_for_every_few_seconds() -> None:
    clock, sent = Clock(), []
    inline = beat(clock, sent, lead_cron="")
    clock.now = START + timedelta(seconds=4)
    assert inline.tick() == []
    clock.now = START + timedelta(seconds=5)
    assert inline.tick() == ["lenders.deliver_due"]
    clock.now = START + timedelta(seconds=9)
    assert inline.tick() == []
    clock.now = START + timedelta(seconds=10)
    assert inline.tick() == ["lenders.deliver_due"]
