"""Benchmark: the monitoring at 湖州 scale — full rebuild, incremental refresh, indicator API.

    python bench/monitoring.py [--enterprises 115000] [--applications 60000] [--requests 200]
                               [--concurrency 4] [--seed 7] [--database-url URL]
                               [--check] [--tiny]

On its own PostgreSQL database (dropped and created afresh) it ingests the registration of a
synthetic city and bulk-inserts 24 months of the platform's rows (``bench/monitoring_city.py``:
applications, matches, leads with moves and deadlines, ≥ 30,000 loans with monthly repayments,
defaults and recoveries, whitelist joins and exits, source batches). Then it prints:
(1) a full rebuild (``refresh(full=True)``, committed) beside the bare read of every source row
it needs (the monitoring's own queries, fetched and nothing else, best of two);
(2) one day's events written now (needs, answers, a day's repayments — last month's periods,
reported late — defaults, whitelist joins, a source batch), then an incremental refresh beside
the bare read of the rows of the months it recomputed, and a second one at once;
(3) the indicator API (``GET /api/v1/monitoring/values`` by district, and the registry) through
``httpx.ASGITransport``, ``--concurrency`` in flight, beside a bare FastAPI endpoint at the same
concurrency; and the monitoring pages' p95 if the app serves them (``PAGE_PATHS``).
Goals: incremental ≤ 2 s, full rebuild ≤ 30 s, indicator API p95 ≤ 100 ms, pages p95 ≤ 200 ms.
``--tiny`` is a smoke run; ``--check`` exits 1 on a missed goal.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI

import app.models  # noqa: F401 - every table, as the app has them
from app.core import db
from app.monitoring import measures
from app.monitoring import repository as monitoring_repository
from app.monitoring.measures import TRANSITION_MEASURES, city_month, month_start
from app.monitoring.refresh import Refreshed, refresh
from bench.common import Goals, add_common_options, timed_gets
from bench.monitoring_city import add_a_day, add_history
from bench.whitelist_city import ACTOR, configure, register_enterprises

GOAL_INCREMENTAL_S, GOAL_FULL_S, GOAL_API_MS, GOAL_PAGE_MS = 2.0, 30.0, 100.0, 200.0
# TODO(monitoring pages): the dashboard pages another helper is building; once they are on
# main, list their paths here (or leave it: "/monitoring" is measured when the app serves it).
PAGE_PATHS: list[str] = []


def bare_read(start_month: str | None) -> float:
    """Seconds to fetch every source row a refresh of the months from ``start_month`` reads."""
    start = month_start(start_month) if start_month else None
    on = measures.first_day(start_month) if start_month else None
    reads: list[Callable[[Any], Any]] = [
        monitoring_repository.loans,
        lambda s: monitoring_repository.repayments(s, period_from=start_month),
        lambda s: monitoring_repository.recoveries(s, on_from=on),
        lambda s: monitoring_repository.applications(s, start=start),
        lambda s: monitoring_repository.leads(s, start=start),
        lambda s: monitoring_repository.lead_moves(s, into=list(TRANSITION_MEASURES), start=start),
        lambda s: monitoring_repository.whitelist_changes(s, start=start),
        lambda s: monitoring_repository.batches(s, start=start),
        lambda s: monitoring_repository.rejected_rows(s, start=start),
        lambda s: monitoring_repository.deadlines(s, start=start),
        lambda s: monitoring_repository.lead_answers(s, start=start),
    ]
    best = float("inf")
    for _ in range(2):
        with db.session_scope() as session:
            started = time.perf_counter()
            for read in reads:
                read(session)
            best = min(best, time.perf_counter() - started)
    return best


def timed_refresh(*, full: bool) -> tuple[float, Refreshed]:
    started = time.perf_counter()
    with db.session_scope() as session:
        done = refresh(session, actor=ACTOR, full=full)
    return time.perf_counter() - started, done


def office_token() -> str:
    from app.accounts import service as account_service
    from app.accounts.models import Role, User
    from app.core import security

    with db.session_scope() as session:
        user = User(username="bench-office", display_name="市金融办", role=Role.OFFICE)
        user.password_hash = security.hash_password("bench-password-not-used")
        session.add(user)
        session.flush()
        return account_service.issue_token(user)


def bare_app() -> FastAPI:
    bare = FastAPI()

    @bare.get("/")
    def answer() -> dict[str, Any]:
        return {"data": [{"month": "2026-01", "value": 1}], "count": 1}

    return bare


def timed(
    app: object, path: str, token: str, *, requests: int, concurrency: int
) -> Coroutine[Any, Any, list[float]]:
    """Each request with the token as bearer and as session cookie (the API and the pages)."""
    headers = {"Authorization": f"Bearer {token}", "Cookie": f"xyd_session={token}"}
    return timed_gets(app, path, headers, requests=requests, concurrency=concurrency)


def p95(times: list[float]) -> float:
    return float(np.percentile(times, 95))


def setup(args: argparse.Namespace, work: Path, rng: np.random.Generator) -> None:
    from app.core.migrations import upgrade
    from bench.common import fresh_database

    started = time.perf_counter()
    fresh_database(args.database_url)
    configure(args.database_url, work)
    upgrade(db.get_engine())
    register_enterprises(args.enterprises, args.seed, work)
    registered = time.perf_counter()
    with db.session_scope() as session:
        counts = add_history(session, rng, applications=args.applications, now=_now())
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would after a bulk load
    done = time.perf_counter()
    print(
        f"setup: {args.enterprises:,} enterprises (ingested in {registered - started:.1f} s), "
        f"24 months bulk-inserted in {done - registered:.1f} s: "
        + ", ".join(f"{name} {value:,}" for name, value in counts.items()),
        flush=True,
    )


def _now() -> Any:
    from app.core.clock import utcnow

    return utcnow()


def api_paths(last: str) -> dict[str, str]:
    first = measures.months_between(last[:4] + "-01", last)[0]
    year_ago = f"{int(last[:4]) - 1:04d}{last[4:]}"
    return {
        "values by district": f"/api/v1/monitoring/values?code=platform_loan_amount"
        f"&from={year_ago}&to={last}&by=district",
        "values cumulative": f"/api/v1/monitoring/values?code=obtained_ratio&from={first}"
        f"&to={last}&cumulative=true",
        "indicators": "/api/v1/monitoring/indicators",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=115_000)
    parser.add_argument("--applications", type=int, default=60_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/helper_monincr_bench",
        help="PostgreSQL database of its own; dropped and created afresh",
    )
    add_common_options(parser, tiny="1,000 enterprises, 1,500 applications, 20 requests")
    args = parser.parse_args()
    scale = 1.0
    if args.tiny:
        args.enterprises, args.applications, args.requests, scale = 1000, 1500, 20, 0.05
    work = Path(tempfile.mkdtemp(prefix="xyd-bench-monitoring-"))
    print(f"database: {args.database_url}; {os.cpu_count()} cores", flush=True)
    rng = np.random.default_rng(args.seed)
    setup(args, work, rng)
    goals = Goals()

    bare_full = bare_read(None)
    full_s, full = timed_refresh(full=True)
    print(
        f"full rebuild: {full_s:.2f} s → {full.cells:,} cells, {full.first_month}–"
        f"{full.last_month}; bare read of its source rows (best of 2) {bare_full:.2f} s"
    )
    goals.judge(
        "full rebuild",
        figure=f"{full_s:.2f} s (bare read {bare_full:.2f} s)",
        goal=f"≤ {GOAL_FULL_S:.0f} s",
        met=full_s <= GOAL_FULL_S,
    )

    with db.session_scope() as session:
        day = add_a_day(session, rng, scale=scale)
    print("a day's events written: " + ", ".join(f"{k} {v:,}" for k, v in day.items()))
    incremental_s, incremental = timed_refresh(full=False)
    bare_since = bare_read(incremental.since_month)
    idle_s, idle = timed_refresh(full=False)
    print(
        f"incremental refresh: {incremental_s:.2f} s → months from {incremental.since_month}, "
        f"{incremental.cells:,} cells; bare read of those months' rows {bare_since:.2f} s; "
        f"again at once: {idle_s:.2f} s (months from {idle.since_month}: the day's rows are "
        "still inside XYD_MONITORING_OVERLAP_SECONDS, so they are looked at once more)"
    )
    goals.judge(
        "incremental refresh",
        figure=f"{incremental_s:.2f} s (bare read of its months {bare_since:.2f} s)",
        goal=f"≤ {GOAL_INCREMENTAL_S:.0f} s",
        met=incremental_s <= GOAL_INCREMENTAL_S,
    )

    from app.main import create_app

    token, application = office_token(), create_app()
    run = {"requests": args.requests, "concurrency": args.concurrency}
    bare = asyncio.run(timed(bare_app(), "/", "", **run))
    print(f"{args.requests} requests each, {args.concurrency} in flight, through ASGI (ms)")
    print(f"{'bare endpoint':<20} p50 {statistics.median(bare):7.1f}  p95 {p95(bare):7.1f}")
    for name, path in api_paths(city_month(_now())).items():
        times = asyncio.run(timed(application, path, token, **run))
        print(f"{name:<20} p50 {statistics.median(times):7.1f}  p95 {p95(times):7.1f}  {path}")
        goals.judge(
            f"API {name} p95",
            figure=f"{p95(times):.1f} ms (bare {p95(bare):.1f} ms)",
            goal=f"≤ {GOAL_API_MS:.0f} ms",
            met=p95(times) <= GOAL_API_MS,
        )
    served = {getattr(route, "path", "") for route in application.routes}
    for path in PAGE_PATHS or [p for p in ("/monitoring",) if p in served]:
        times = asyncio.run(timed(application, path, token, **run))
        goals.judge(
            f"page {path} p95",
            figure=f"{p95(times):.1f} ms (bare {p95(bare):.1f} ms)",
            goal=f"≤ {GOAL_PAGE_MS:.0f} ms",
            met=p95(times) <= GOAL_PAGE_MS,
        )
    goals.finish(check=args.check)


if __name__ == "__main__":
    main()
