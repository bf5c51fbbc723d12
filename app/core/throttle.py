"""One limiter for every route that must not be hammered: sign-in, registration, codes.

Sliding-window counters kept in the database (table ``throttle_hits``), so every server
process, worker and the embedded SQLite mode see the same counts without another service.
A key is stored only as a keyed digest: user names and addresses are personal data.

Under heavy concurrency on PostgreSQL two requests may both pass the check before either
records its hit; a limit can then be exceeded by the number of requests in flight, which
still caps guessing at a handful per window instead of hundreds per second.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from app.core import repository
from app.core.clock import utcnow
from app.core.errors import DomainError, ErrorKind
from app.core.security import keyed_digest

KEY_PURPOSE = "throttle-key"


class Throttled(DomainError):
    """Too many attempts: locked for ``retry_after`` seconds, until the oldest hit ages."""

    code = "too_many_attempts"
    kind = ErrorKind.TOO_MANY_ATTEMPTS

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """At most ``max_hits`` hits per key within ``window_seconds``, then locked until one ages."""

    scope: str
    max_hits: int
    window_seconds: int
    message: str = "尝试次数过多，请稍后再试"

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)


def _digest(key: str) -> str:
    return keyed_digest(key.strip().lower(), purpose=KEY_PURPOSE)


def retry_after(session: Session, *, limit: Limit, key: str) -> int | None:
    """Seconds until the next attempt is allowed, or None when the key is under its limit."""
    rows = repository.latest_hit_times(
        session,
        scope=limit.scope,
        key_digest=_digest(key),
        since=utcnow() - limit.window,
        limit=limit.max_hits,
    )
    if len(rows) < limit.max_hits:
        return None
    # The oldest of the last max_hits hits must leave the window before another is allowed.
    free_at = rows[-1] + limit.window
    return max(1, math.ceil((free_at - utcnow()).total_seconds()))


def check(session: Session, *, limit: Limit, key: str) -> None:
    """Raise Throttled when ``key`` has used up ``limit``."""
    wait = retry_after(session, limit=limit, key=key)
    if wait is not None:
        minutes = max(1, math.ceil(wait / 60))
        raise Throttled(f"{limit.message}（约 {minutes} 分钟后）", retry_after=wait)


def hit(session: Session, *, limit: Limit, key: str) -> None:
    """Count one attempt for ``key``, and forget this key's hits that left the window."""
    digest = _digest(key)
    repository.delete_hits(
        session, scope=limit.scope, key_digest=digest, through=utcnow() - limit.window
    )
    repository.add_hit(session, scope=limit.scope, key_digest=digest)


def reset(session: Session, *, limit: Limit, key: str) -> None:
    """Forget every hit of ``key`` (a successful sign-in clears its user's failures)."""
    repository.delete_hits(session, scope=limit.scope, key_digest=_digest(key))


def count(session: Session, *, limit: Limit, key: str) -> int:
    """Hits of ``key`` within the window (for tests and operations)."""
    return repository.count_hits(
        session, scope=limit.scope, key_digest=_digest(key), since=utcnow() - limit.window
    )


Guard = tuple[Limit, str]


@contextmanager
def counting_failures(
    session: Session,
    *,
    guards: Sequence[Guard],
    reset_on_success: Sequence[Guard] = (),
    count_always: bool = False,
    keep_work_on_failure: bool = False,
) -> Iterator[None]:
    """Refuse when any guard is used up; count a failure (or every attempt) against each.

    A failure is committed before the error goes on, because the request's own transaction
    rolls back on error and would otherwise forget it. The work done before the failure is
    rolled back first unless ``keep_work_on_failure`` (a wrong code's used-up attempt).
    """
    for limit, key in guards:
        check(session, limit=limit, key=key)
    try:
        yield
    except DomainError:
        if not keep_work_on_failure:
            session.rollback()
        for limit, key in guards:
            hit(session, limit=limit, key=key)
        session.commit()
        raise
    if count_always:
        for limit, key in guards:
            hit(session, limit=limit, key=key)
    for limit, key in reset_on_success:
        reset(session, limit=limit, key=key)
