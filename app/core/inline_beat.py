"""Without a broker there is no ``xyd beat``: ``xyd serve`` keeps the same schedule on a thread.

The schedule is the one beat would use (``taskqueue.beat_schedule``: webhook deliveries due every
few seconds, lead routing and the deadline sweep every five minutes, the score-run sweep every
ten, the daily application expiry sweep, whitelist refresh and retention purges). A due entry
runs on the beat's own thread, one after another, so a slow run delays the next instead of
piling up. So ``make run`` retries deliveries, routes leads and sweeps deadlines as a
deployment with Redis and beat would.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.taskqueue import beat_schedule, configure_celery, run_inline

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0  # the finest schedule is a few seconds (deliveries)


class InlineBeat:
    """Sends each scheduled task when its crontab says it is due, counted from the start."""

    def __init__(
        self,
        schedule: dict[str, dict[str, Any]],
        *,
        clock: Callable[[], datetime] = utcnow,
        send: Callable[[str], None] = lambda task: run_inline(task, {}),
    ) -> None:
        self.entries = schedule
        self.clock = clock
        self.send = send
        start = clock()
        for entry in schedule.values():
            if not isinstance(entry["schedule"], int | float):
                entry["schedule"].nowfun = clock  # the crontab reads this clock, not Celery's
        self.last_run = dict.fromkeys(schedule, start)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[str]:
        """Send every entry due now; the names of the tasks sent."""
        sent = []
        for name, entry in self.entries.items():
            if not self._due(entry["schedule"], self.last_run[name]):
                continue
            self.last_run[name] = self.clock()
            try:
                self.send(entry["task"])
            except Exception:  # one failing task must not stop the schedule
                log.exception("scheduled task not sent", extra={"task": entry["task"]})
                continue
            sent.append(entry["task"])
        return sent

    def _due(self, schedule: Any, last_run: datetime) -> bool:
        if isinstance(schedule, int | float):  # an interval in seconds
            return (self.clock() - last_run).total_seconds() >= schedule
        due, _next = schedule.is_due(last_run)
        return bool(due)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="xyd-inline-beat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=TICK_SECONDS)

    def _run(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            self.tick()


def start_if_brokerless() -> InlineBeat | None:
    """The inline beat for ``xyd serve`` when no broker is configured; None otherwise."""
    settings = get_settings()
    if settings.broker.configured:
        return None
    configure_celery()
    beat = InlineBeat(beat_schedule(settings.schedule))
    beat.start()
    log.info("in-process beat started", extra={"entries": sorted(beat.entries)})
    return beat
