"""Pushing due outbox events to the banks' webhooks: claim, post, record (SPEC §6).

A round claims a batch of due events (PostgreSQL: ``FOR UPDATE SKIP LOCKED``) and leases them by
moving their due time past the send, commits, posts them outside any transaction, then records
every attempt and the events' new state in a second transaction. A process that dies between the
two leaves the lease to run out: the events are posted again and the bank, which de-duplicates by
event id, sees them at least once and acts on them once.

Only banks with a webhook URL and an active secret are pushed to; the events of the others stay
pending, unattempted, for them to pull (and are pushed once they set both).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core.clock import utcnow
from app.core.config import Settings, get_settings
from app.core.db import session_scope
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery import envelope, repository, webhooks
from lenders.delivery.backoff import Backoff
from lenders.delivery.sender import Job, Limits, Outcome, Sender

Clock = Callable[[], datetime]


@dataclass
class RunSummary:
    """What one ``deliver_due`` call did."""

    batches: int = 0
    attempted: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0


@dataclass(frozen=True)
class _Claimed:
    jobs: list[Job]
    events: dict[int, tuple[int, datetime]]  # outbox id -> attempts so far, give-up time


_senders: dict[tuple[Any, ...], Sender] = {}


def sender_for(settings: Settings, clock: Clock) -> Sender:
    """The process's sender for these settings (its connection pools live across calls)."""
    limits = Limits(
        connect_timeout=settings.delivery.connect_timeout_seconds,
        total_timeout=settings.delivery.timeout_seconds,
        concurrency=settings.delivery.concurrency,
    )
    key = (limits, settings.is_production_like, clock)
    sender = _senders.get(key)
    if sender is None:
        sender = _senders[key] = Sender(
            limits=limits, production=settings.is_production_like, clock=clock
        )
    return sender


def deliver_due(
    *,
    clock: Clock = utcnow,
    sender: Sender | None = None,
    max_seconds: float = 30.0,
    batch_size: int | None = None,
    rng: random.Random | None = None,
) -> RunSummary:
    """Push due events until none is due or ``max_seconds`` have passed; returns the counts.

    ``clock`` decides what is due, the back-off and the give-up time; tests pass a fake one.
    """
    settings = get_settings()
    sender = sender or sender_for(settings, clock)
    size = batch_size or settings.delivery.batch_size
    backoff = Backoff.of(settings)
    summary = RunSummary()
    stop_at = time.monotonic() + max_seconds
    while True:
        claimed = _claim(settings, now=clock(), size=size)
        if not claimed.jobs:
            break
        outcomes = sender.send(claimed.jobs)
        _record(claimed, outcomes, backoff=backoff, now=clock(), summary=summary, rng=rng)
        summary.batches += 1
        if len(claimed.jobs) < size or time.monotonic() >= stop_at:
            break
    return summary


def _claim(settings: Settings, *, now: datetime, size: int) -> _Claimed:
    with session_scope() as session:
        secrets = webhooks.signing_secrets(session, now=now)
        targets = {
            lender.code: (endpoint.url, tuple(secrets[endpoint.lender_id]))
            for endpoint, lender in repository.endpoints_with_url(session)
            if endpoint.url and secrets.get(endpoint.lender_id)
        }
        events = repository.claim_due(session, lender_codes=list(targets), now=now, limit=size)
        if not events:
            return _Claimed(jobs=[], events={})
        repository.lease(
            session, ids=[e.id for e in events if e.id], until=now + _lease(settings, len(events))
        )
        jobs = [_job(event, *targets[event.lender_code]) for event in events]
        state = {e.id: (e.attempts, e.give_up_at) for e in events if e.id is not None}
    return _Claimed(jobs=jobs, events=state)


def _lease(settings: Settings, count: int) -> timedelta:
    """Long enough for the whole batch to be posted, however slowly the bank answers."""
    rounds = math.ceil(count / settings.delivery.concurrency)
    return timedelta(seconds=rounds * settings.delivery.timeout_seconds + 30)


def _job(event: OutboxEvent, url: str, secrets: tuple[str, ...]) -> Job:
    assert event.id is not None
    return Job(
        outbox_id=event.id,
        url=url,
        body=envelope.body(event),
        secrets=secrets,
        event_id=event.event_id,
    )


def _record(
    claimed: _Claimed,
    outcomes: Sequence[Outcome],
    *,
    backoff: Backoff,
    now: datetime,
    summary: RunSummary,
    rng: random.Random | None,
) -> None:
    attempts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for outcome in outcomes:
        done, give_up_at = claimed.events[outcome.outbox_id]
        attempts.append(
            {
                "outbox_id": outcome.outbox_id,
                "at": outcome.at,
                "status_code": outcome.status_code,
                "error": outcome.error,
                "duration_ms": outcome.duration_ms,
            }
        )
        change: dict[str, Any] = {
            "id": outcome.outbox_id,
            "attempts": done + 1,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
        }
        summary.attempted += 1
        if outcome.acknowledged:
            change.update(status=DeliveryStatus.DELIVERED, delivered_at=outcome.at)
            summary.delivered += 1
        else:
            summary.failed += 1
            next_at = backoff.after_failure(
                attempts=done + 1, now=now, give_up_at=give_up_at, rng=rng
            )
            if next_at is None:
                change["status"] = DeliveryStatus.DEAD
                summary.dead += 1
            else:
                change["next_attempt_at"] = next_at
        updates.append(change)
    with session_scope() as session:
        repository.record_outcomes(session, attempts=attempts, events=updates)
