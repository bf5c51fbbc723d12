"""The Celery application and the rule that tasks leave only after their transaction commits.

With ``XYD_BROKER_URL`` set, tasks go to the broker and a ``xyd worker`` runs them. Without
it the same task functions run in-process on a background thread, so ``make run`` needs no broker.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from celery import Celery
from celery.schedules import crontab
from sqlalchemy import event
from sqlmodel import Session

from app.core.config import ScheduleSettings, cron_fields, get_settings

log = logging.getLogger(__name__)

# The areas of the platform; each area's ``tasks`` module, where it has one, is discovered.
AREAS = (
    "app.accounts",
    "app.applications",
    "app.audit",
    "app.enterprises",
    "app.monitoring",
    "app.ops",
    "lenders.delivery",
    "lenders.fund",
    "lenders.institutions",
    "lenders.leads",
    "scoring.scores",
    "scoring.sources",
    "whitelist",
)

celery_app = Celery("xyd")
_PENDING_KEY = "xyd_pending_tasks"
_inline_lock = threading.Lock()
_inline_executor: ThreadPoolExecutor | None = None
_inline_workers = 0
_inline_futures: list[Future[Any]] = []
_configured = False


def configure_celery() -> Celery:
    """Apply the settings to the Celery app; called by the worker, beat and the web process."""
    global _configured  # noqa: PLW0603 - configuration happens once per process
    settings = get_settings()
    celery_app.conf.update(
        broker_url=settings.broker.url or "memory://",
        task_ignore_result=True,
        # A task is acknowledged only after it finishes, and requeued if its process dies,
        # so every task must be idempotent (see app.core.receipts).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # A message whose worker died unacknowledged is redelivered after the visibility
        # timeout; sweep for such messages often enough that the timeout is what counts.
        broker_transport_options={
            "visibility_timeout": settings.broker.visibility_timeout,
            "unacked_restore_interval": max(1, min(10, settings.broker.visibility_timeout // 2)),
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        timezone=str(settings.city.timezone),
        enable_utc=True,
        beat_schedule=beat_schedule(settings.schedule),
    )
    celery_app.autodiscover_tasks(list(AREAS), related_name="tasks", force=True)
    _configured = True
    return celery_app


def beat_schedule(times: ScheduleSettings) -> dict[str, dict[str, Any]]:
    """What ``xyd beat`` sends and when, in the city's time zone (``XYD_TIMEZONE``)."""
    schedule: dict[str, dict[str, Any]] = {
        # Webhook deliveries that are due: retries, and anything a lost after-commit kick left.
        "deliver-due": {
            "task": "lenders.deliver_due",
            "schedule": times.delivery_interval_seconds,
            "options": {"expires": times.delivery_interval_seconds},
        }
    }
    if times.whitelist_refresh_cron:
        schedule["whitelist-refresh"] = {
            "task": "whitelist.refresh",
            "schedule": crontab(**cron_fields(times.whitelist_refresh_cron)),
        }
    if times.monitoring_refresh_cron:
        schedule["monitoring-refresh"] = {
            "task": "monitoring.refresh",
            "schedule": crontab(**cron_fields(times.monitoring_refresh_cron)),
        }
    if times.monitoring_rebuild_cron:
        schedule["monitoring-rebuild"] = {
            "task": "monitoring.rebuild",
            "schedule": crontab(**cron_fields(times.monitoring_rebuild_cron)),
        }
    if times.lead_cron:
        for name, task in (
            ("leads-route", "leads.route"),
            ("leads-sweep", "leads.sweep_deadlines"),
        ):
            schedule[name] = {"task": task, "schedule": crontab(**cron_fields(times.lead_cron))}
    if times.application_expiry_cron:
        schedule["applications-expire"] = {
            "task": "applications.expire",
            "schedule": crontab(**cron_fields(times.application_expiry_cron)),
        }
    if times.score_sweep_cron:
        schedule["scoring-sweep"] = {
            "task": "scoring.sweep_runs",
            "schedule": crontab(**cron_fields(times.score_sweep_cron)),
        }
    if times.retention_cron:
        for name, task in (
            ("purge-delivery-attempts", "lenders.purge_delivery_attempts"),
            ("purge-idempotency-keys", "ops.purge_idempotency_keys"),
        ):
            schedule[name] = {
                "task": task,
                "schedule": crontab(**cron_fields(times.retention_cron)),
            }
    return schedule


def enqueue_after_commit(
    session: Session, task_name: str, *, once: bool = False, **kwargs: Any
) -> None:
    """Send ``task_name`` with ``kwargs`` once ``session`` commits; forget it on rollback.

    ``once``: send it a single time per transaction however often it is asked for (a kick).
    """
    pending: list[tuple[str, dict[str, Any]]] | None = session.info.get(_PENDING_KEY)
    if pending is None:
        pending = session.info[_PENDING_KEY] = []
        event.listen(session, "after_commit", _send_pending)
        event.listen(session, "after_rollback", _drop_pending)
    if once and (task_name, kwargs) in pending:
        return
    pending.append((task_name, kwargs))


def _send_pending(session: Session) -> None:
    pending = session.info.get(_PENDING_KEY) or []
    session.info[_PENDING_KEY] = []
    for task_name, kwargs in pending:
        try:
            send_now(task_name, **kwargs)
        except Exception:
            # The transaction is already committed; failing the caller now would report an
            # error for work that was done. Work that must never be lost goes through an
            # outbox table written in the transaction itself, not through this hook.
            log.exception("task not sent after commit", extra={"task": task_name, **kwargs})


def _drop_pending(session: Session) -> None:
    session.info[_PENDING_KEY] = []


def send_now(task_name: str, **kwargs: Any) -> None:
    """Send a task immediately; use only outside a transaction (CLI, beat, other tasks)."""
    if not _configured:
        configure_celery()
    task = celery_app.tasks[task_name]
    if get_settings().broker.configured:
        task.apply_async(kwargs=kwargs)
        return
    with _inline_lock:
        future = _executor().submit(run_inline, task_name, kwargs)
        _inline_futures.append(future)


def _executor() -> ThreadPoolExecutor:
    global _inline_executor, _inline_workers  # noqa: PLW0603 - one lazily made pool per process
    # SQLite takes one writer at a time: tasks on it run one after another.
    workers = 1 if get_settings().database.url.startswith("sqlite") else 2
    if _inline_executor is None or _inline_workers != workers:
        _inline_executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="xyd-task")
        _inline_workers = workers
    return _inline_executor


def run_inline(task_name: str, kwargs: dict[str, Any]) -> None:
    result = celery_app.tasks[task_name].apply(kwargs=kwargs)
    if result.failed():
        log.error("in-process task failed", extra={"task": task_name, "error": str(result.result)})


def wait_for_inline_tasks(timeout: float = 60.0) -> int:
    """Block until every in-process task sent so far has finished; returns how many ran."""
    with _inline_lock:
        futures = list(_inline_futures)
        _inline_futures.clear()
    for future in futures:
        future.result(timeout=timeout)
    return len(futures)
