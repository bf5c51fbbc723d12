"""Benchmark: model quality against the oracle, city-scale scoring speed, online rescoring.

    python bench/scoring_bench.py [--quality-enterprises 115000] [--speed-enterprises 115000]
                                  [--database-url URL] [--online-calls 1000] [--check] [--tiny]

Prints (not a test): out-of-time AUC against the oracle AUC on the same snapshot, default rate
by grade, calibration error by decile; features for one as-of date plus scoring of every
enterprise (wall time, peak RSS) and scoring throughput against a bare LightGBM predict on the
same matrix; and the p50/p99 latency of rescoring one enterprise, through the application, against
scoring one row of features bare. ``--tiny`` is a smoke run; ``--check`` exits 1 on a missed goal.
(Named ``scoring_bench``: run as a script, ``bench/`` comes first on the path, and a file named
``scoring.py`` there would hide the ``scoring`` package.)
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import tempfile
import time
from datetime import date

import numpy as np

from bench.common import Goals, add_common_options, fresh_database, peak_rss_mib
from scoring.features import build_features
from scoring.features.catalogue import MONOTONE
from scoring.scores.scorer import score_features
from scoring.synthetic.demo import DemoCity, demo_city, oracle_auc_as_of
from scoring.training.pipeline import snapshots, train
from scoring.training.platform import DEFAULT_MONTHS, labelled_months, lightgbm_constraints

THROUGHPUT_ROUNDS = 5


def _seconds(rounds: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in rounds) + " s"


def quality(enterprises: int, seed: int, months: int, goals: Goals):  # type: ignore[no-untyped-def]
    city = demo_city(enterprises=enterprises, seed=seed)
    chosen = labelled_months(city.sources["loan_outcomes"], count=months)
    started = time.perf_counter()
    trained = train(
        snapshots(city.sources, months=chosen, build=build_features),
        monotone=lightgbm_constraints(MONOTONE),
    )
    test = trained.metrics["test"]
    oracle = oracle_auc_as_of(city.truth, as_of=trained.split.test[0])
    rates = {
        g: round(c["default_rate"], 4) for g, c in sorted(test["default_rate_by_grade"].items())
    }
    values = list(rates.values())
    increasing = all(a < b for a, b in itertools.pairwise(values))
    print(
        f"quality: {enterprises:,} firms, seed {seed}, {months} snapshot months, trained in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(
        f"  out-of-time test ({trained.split.test[0]}): n={test['n']:,} "
        f"defaults={test['positives']}"
        f" AUC {test['auc']:.4f} vs oracle {oracle:.4f} → ratio {test['auc'] / oracle:.3f} "
        f"(goal ≥ 0.95)"
    )
    print(f"  default rate by grade {rates} → strictly increasing: {increasing}")
    print(f"  calibration error by decile {100 * test['calibration_error']:.2f} pp (goal ≤ 1.5)")
    goals.judge(
        "AUC against the oracle",
        figure=f"{test['auc']:.4f} vs oracle {oracle:.4f}, ratio {test['auc'] / oracle:.3f}",
        goal="ratio ≥ 0.95",
        met=test["auc"] / oracle >= 0.95,
    )
    goals.judge(
        "default rate by grade",
        figure=str(rates),
        goal="strictly increasing A to E",
        met=increasing,
    )
    goals.judge(
        "calibration",
        figure=f"{100 * test['calibration_error']:.2f} pp by decile",
        goal="≤ 1.5 pp",
        met=100 * test["calibration_error"] <= 1.5,
    )
    return trained.model


def speed(enterprises: int, seed: int, model, goals: Goals) -> tuple[DemoCity, float]:  # type: ignore[no-untyped-def]
    city = demo_city(enterprises=enterprises, seed=seed)
    sources = city.sources
    as_of = date(2026, 11, 1)
    started = time.perf_counter()
    features = build_features(sources, as_of=as_of)
    built = time.perf_counter() - started
    scored = score_features(model, features)
    total = time.perf_counter() - started
    print(
        f"speed: {len(features):,} enterprises: features {built:.1f} s + scoring "
        f"{total - built:.1f} s = {total:.1f} s, peak RSS {peak_rss_mib():,.0f} MiB "
        f"(goal ≤ 30 s, ≤ 6144 MiB); {len(scored):,} scores"
    )
    # The bare baseline predicts from the finished float matrix; ours starts from the frame.
    # The two take turns, THROUGHPUT_ROUNDS times each, and each keeps its fastest round: on a
    # shared machine noise only ever adds time, and one round each let a neighbour's burst decide.
    matrix = model.matrix(features)
    bare_rounds, our_rounds = [], []
    for _ in range(THROUGHPUT_ROUNDS):
        started = time.perf_counter()
        model.booster_.predict(matrix, num_iteration=model.best_iteration_)
        bare_rounds.append(time.perf_counter() - started)
        started = time.perf_counter()
        score_features(model, features, with_reasons=False)
        our_rounds.append(time.perf_counter() - started)
    bare, ours = min(bare_rounds), min(our_rounds)
    print(
        f"  scoring throughput: ours {len(features) / ours:,.0f}/s (PD, points, grade) vs bare "
        f"predict {len(features) / bare:,.0f}/s → ratio {bare / ours:.2f} (goal ≥ 0.85); "
        f"with reasons {len(features) / (total - built):,.0f}/s; fastest of {THROUGHPUT_ROUNDS} "
        f"alternating rounds each (bare {_seconds(bare_rounds)}; ours {_seconds(our_rounds)})"
    )
    row = features.iloc[[0]]
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        score_features(model, row)
        timings.append(time.perf_counter() - started)
    print(
        f"  one enterprise, features given: p50 {1000 * np.percentile(timings, 50):.1f} ms, "
        f"p99 {1000 * np.percentile(timings, 99):.1f} ms"
    )
    goals.judge(
        "city scoring time",
        figure=f"{total:.1f} s for {len(features):,} enterprises",
        goal="≤ 30 s",
        met=total <= 30,
    )
    goals.judge(
        "city scoring peak RSS",
        figure=f"{peak_rss_mib():,.0f} MiB",
        goal="≤ 6144 MiB",
        met=peak_rss_mib() <= 6144,
    )
    goals.judge(
        "scoring throughput",
        figure=f"{bare / ours:.2f} × a bare LightGBM predict on the same matrix",
        goal="≥ 0.85",
        met=bare / ours >= 0.85,
    )
    return city, float(1000 * np.percentile(timings, 99))


def online(
    city: DemoCity, model, *, database_url: str, calls: int, bare_p99: float, goals: Goals
) -> None:  # type: ignore[no-untyped-def]
    """POST /rescore through the application, on PostgreSQL holding the whole city."""
    fresh_database(database_url)
    os.environ.update(
        XYD_DATABASE_URL=database_url,
        XYD_ENV="development",
        XYD_DATA_DIR=tempfile.mkdtemp(prefix="xyd-bench-online-"),
        XYD_LOG_LEVEL="WARNING",
        XYD_BROKER_URL="",
        XYD_SECRET_KEY=secrets.token_urlsafe(48),
    )
    from fastapi.testclient import TestClient
    from sqlmodel import select

    from app.accounts import service as account_service
    from app.accounts.models import Role, User
    from app.audit.service import SystemActor
    from app.core import db as core_db
    from app.core.config import get_settings
    from app.core.migrations import upgrade
    from app.core.security import hash_password
    from app.enterprises.models import Enterprise
    from app.main import create_app
    from scoring.registry import service as registry_service
    from scoring.sources import service as source_service

    get_settings.cache_clear()
    core_db.reset_caches()
    upgrade(core_db.get_engine())
    actor = SystemActor("bench")
    started = time.perf_counter()
    for path in source_service.source_files(city.directory):
        if path.stem != "truth":
            with core_db.session_scope() as session:
                source_service.ingest_file(session, path=path, actor=actor)
    ingested = time.perf_counter() - started
    with core_db.session_scope() as session:
        version = registry_service.register(
            session,
            model=model,
            source="bench",
            training_window={},
            metrics={},
            data_sha256="0" * 64,
            actor=actor,
        )
        registry_service.promote(session, name=version.name, actor=actor)
        office = User(
            username="bench-office",
            display_name="金融办",
            role=Role.OFFICE,
            password_hash=hash_password("bench-office-password"),
        )
        session.add(office)
        session.flush()
        token = account_service.issue_token(office)
        usccs = list(session.exec(select(Enterprise.uscc)).all())
    rng = np.random.default_rng(7)
    chosen = rng.choice(usccs, size=calls, replace=len(usccs) < calls)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app()) as client:
        started = time.perf_counter()
        first = client.post(f"/api/v1/enterprises/{chosen[0]}/rescore", headers=headers)
        first.raise_for_status()
        warm = time.perf_counter() - started
        timings = []
        for code in chosen:
            started = time.perf_counter()
            response = client.post(f"/api/v1/enterprises/{code}/rescore", headers=headers)
            timings.append(time.perf_counter() - started)
            response.raise_for_status()
    p50, p99 = (1000 * np.percentile(timings, q) for q in (50, 99))
    print(
        f"online: POST /rescore on PostgreSQL with {len(usccs):,} enterprises "
        f"(ingested in {ingested:.1f} s; first call loads the sources: {warm:.1f} s): "
        f"{calls:,} calls p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {1000 * max(timings):.1f} ms "
        f"(goal p99 ≤ 50 ms)"
    )
    goals.judge(
        "online rescore p99",
        figure=f"{p99:.1f} ms over {calls:,} calls (bare: one row scored, p99 {bare_p99:.1f} ms)",
        goal="≤ 50 ms",
        met=p99 <= 50,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality-enterprises", type=int, default=115_000)
    parser.add_argument("--speed-enterprises", type=int, default=115_000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/xyd_bench",
        help="PostgreSQL database for the online phase; dropped and created afresh",
    )
    parser.add_argument("--online-calls", type=int, default=1000)
    add_common_options(parser, tiny="1,500 firms for quality, 300 for speed, 20 online calls")
    args = parser.parse_args()
    if args.tiny:
        args.quality_enterprises, args.speed_enterprises, args.online_calls = 1500, 300, 20
    goals = Goals()
    model = quality(args.quality_enterprises, args.seed, args.months, goals)
    city, bare_p99 = speed(args.speed_enterprises, args.seed + 1, model, goals)
    online(
        city,
        model,
        database_url=args.database_url,
        calls=args.online_calls,
        bare_p99=bare_p99,
        goals=goals,
    )
    goals.finish(check=args.check)


if __name__ == "__main__":
    main()
