"""Benchmark: model quality against the oracle, city-scale scoring speed, online rescoring.

    python bench/scoring.py [--quality-enterprises 115000] [--speed-enterprises 115000]
                            [--database-url URL] [--online-calls 1000]

Prints (not a test): out-of-time AUC against the oracle AUC on the same snapshot, default rate
by grade, calibration error by decile; features for one as-of date plus scoring of every
enterprise (wall time, peak RSS) and scoring throughput against a bare LightGBM predict on the
same matrix; and the p50/p99 latency of rescoring one enterprise.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import time
from datetime import date
from pathlib import Path

# Run as a script, this file's folder comes first on the path and its name would hide the
# `scoring` package; the issue names the benchmark bench/scoring.py, so step out of the way.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np

from scoring.features import build_features
from scoring.features.catalogue import MONOTONE
from scoring.scores.scorer import score_features
from scoring.synthetic.demo import demo_city, oracle_auc_as_of
from scoring.training.pipeline import snapshots, train
from scoring.training.platform import labelled_months, lightgbm_constraints


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def quality(enterprises: int, seed: int, months: int) -> None:
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
    return trained.model


def speed(enterprises: int, seed: int, model) -> None:  # type: ignore[no-untyped-def]
    sources = demo_city(enterprises=enterprises, seed=seed).sources
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
    aligned = model._aligned(features)
    started = time.perf_counter()
    model.booster_.predict(aligned, num_iteration=model.best_iteration_)
    bare = time.perf_counter() - started
    started = time.perf_counter()
    score_features(model, features, with_reasons=False)
    ours = time.perf_counter() - started
    print(
        f"  scoring throughput: ours {len(features) / ours:,.0f}/s (PD, points, grade) vs bare "
        f"predict {len(features) / bare:,.0f}/s → ratio {bare / ours:.2f} (goal ≥ 0.85); "
        f"with reasons {len(features) / (total - built):,.0f}/s"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality-enterprises", type=int, default=115_000)
    parser.add_argument("--speed-enterprises", type=int, default=115_000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--months", type=int, default=18)
    args = parser.parse_args()
    model = quality(args.quality_enterprises, args.seed, args.months)
    speed(args.speed_enterprises, args.seed + 1, model)


if __name__ == "__main__":
    main()
