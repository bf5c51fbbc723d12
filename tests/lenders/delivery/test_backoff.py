"""Back-off: exponential with jitter, capped, and a last try at the give-up time."""

import random
from datetime import UTC, datetime, timedelta

from lenders.delivery.backoff import Backoff

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
FAR = NOW + timedelta(days=3)


def test_delays_double_from_the_base_within_the_jitter() -> None:
    backoff = Backoff(base_seconds=30, cap_seconds=6 * 3600)
    rng = random.Random(1)
    for attempt, nominal in ((1, 30), (2, 60), (3, 120), (6, 960)):
        seconds = backoff.delay(attempt, rng).total_seconds()
        assert nominal * 0.8 <= seconds <= nominal * 1.2


def test_delays_are_capped() -> None:
    backoff = Backoff(base_seconds=30, cap_seconds=6 * 3600)
    assert backoff.delay(30, random.Random(1)) <= timedelta(hours=6)
    assert backoff.delay(10_000, random.Random(1)) <= timedelta(hours=6)


def test_jitter_spreads_retries() -> None:
    backoff = Backoff()
    rng = random.Random(3)
    assert len({backoff.delay(4, rng) for _ in range(20)}) > 10


def test_the_last_try_is_at_the_give_up_time_then_none() -> None:
    backoff = Backoff(base_seconds=30, cap_seconds=6 * 3600)
    near_end = FAR - timedelta(minutes=5)
    assert backoff.after_failure(attempts=12, now=near_end, give_up_at=FAR) == FAR
    assert backoff.after_failure(attempts=13, now=FAR, give_up_at=FAR) is None
    next_at = backoff.after_failure(attempts=1, now=NOW, give_up_at=FAR, rng=random.Random(1))
    assert next_at is not None and NOW + timedelta(seconds=24) <= next_at <= NOW + timedelta(
        seconds=36
    )
