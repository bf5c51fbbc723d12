"""Each pytest-xdist worker gets its own PostgreSQL database and Redis DB; none without xdist."""

from __future__ import annotations

from tests.workers import worker_index, worker_postgres_url, worker_redis_url

PG = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/15"


def test_without_xdist_the_base_urls_are_used() -> None:
    assert worker_postgres_url(PG, "") == PG
    assert worker_redis_url(REDIS, "") == REDIS


def test_each_worker_has_a_database_named_for_it() -> None:
    assert worker_postgres_url(PG, "gw0") == "postgresql://postgres@127.0.0.1:5432/test_gw0"
    assert worker_postgres_url(PG, "gw1") == "postgresql://postgres@127.0.0.1:5432/test_gw1"


def test_redis_numbers_count_down_from_the_base_and_wrap_within_sixteen() -> None:
    assert worker_index("gw3") == 3
    assert worker_redis_url(REDIS, "gw0").endswith("/15")
    assert worker_redis_url(REDIS, "gw1").endswith("/14")
    assert worker_redis_url("redis://127.0.0.1:6379/1", "gw2").endswith("/15")
