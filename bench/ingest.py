"""Benchmark: synthesize a city at 湖州 scale and ingest all of it (not a test).

    python bench/ingest.py [--enterprises 115000] [--months 36] [--format csv]
                           [--database-url URL] [--check] [--tiny]

Prints the ingestion's wall time, rows/s and peak RSS, and, measured in the same run, the time
to merely read the same files with pyarrow and the ratio of the two. Each phase runs in its own
process so that its peak RSS is its own. Goal on 2 cores: ≤ 60 s and ≤ 4 GiB. ``--tiny``
(300 enterprises × 6 months) is a smoke run; ``--check`` exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Goals, add_common_options, peak_rss_mib, run_phase

XYD = str(Path(sys.executable).with_name("xyd"))
SOURCES = (".csv", ".parquet", ".xlsx")


def source_files(directory: Path) -> list[Path]:
    return [p for p in sorted(directory.iterdir()) if p.suffix in SOURCES and p.stem != "truth"]


def phase_read(directory: Path) -> dict[str, float]:
    """The bare baseline: read every file into memory with pyarrow, as text, and convert."""
    import pandas  # noqa: F401 - imported before the clock starts, as the ingest phase's is
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    started, rows = time.perf_counter(), 0
    for path in source_files(directory):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
        else:
            encoding = "gb18030" if path.stem == "public_credit_events" else "utf8"
            names = pacsv.open_csv(
                path, read_options=pacsv.ReadOptions(encoding=encoding)
            ).schema.names
            table = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(encoding=encoding),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string())
                ),
            )
        rows += len(table.to_pandas())
    return {"seconds": time.perf_counter() - started, "rows": rows, "peak_rss_mib": peak_rss_mib()}


def phase_ingest(directory: Path) -> dict[str, float]:
    """What `xyd ingest DIR` does, in-process so that it can be timed without start-up."""
    from app.audit.service import SystemActor
    from app.core.db import get_engine, session_scope
    from app.core.migrations import upgrade
    from scoring.sources import service as source_service

    upgrade(get_engine())
    actor, rows, loaded, rejected = SystemActor("bench"), 0, 0, 0
    started = time.perf_counter()
    for path in source_service.source_files(directory):
        if path.stem == "truth":
            continue
        with session_scope() as session:
            batch = source_service.ingest_file(session, path=path, actor=actor).batch
            rows += batch.rows_read
            loaded += batch.rows_loaded
            rejected += batch.rows_rejected
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "loaded": loaded,
        "rejected": rejected,
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=115_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", default="csv", choices=("csv", "parquet"))
    parser.add_argument("--database-url", default="")
    parser.add_argument("--phase", choices=("read", "ingest"))
    parser.add_argument("--dir", type=Path)
    add_common_options(parser, tiny="300 enterprises × 6 months")
    args = parser.parse_args()
    if args.tiny:
        args.enterprises, args.months = 300, 6
    if args.phase:
        result = phase_read(args.dir) if args.phase == "read" else phase_ingest(args.dir)
        print(json.dumps(result))
        return
    work = Path(tempfile.mkdtemp(prefix="xyd-bench-"))
    city = work / "city"
    env = {
        **os.environ,
        "XYD_ENV": "development",
        "XYD_DATA_DIR": str(work / "data"),
        "XYD_LOG_LEVEL": "WARNING",
        "XYD_BROKER_URL": "",
    }
    if args.database_url:
        env["XYD_DATABASE_URL"] = args.database_url
    started = time.perf_counter()
    subprocess.run(
        [
            XYD,
            "synth",
            "--out",
            str(city),
            "--enterprises",
            str(args.enterprises),
            "--months",
            str(args.months),
            "--seed",
            str(args.seed),
            "--format",
            args.format,
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    synth_seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in source_files(city)) / 2**20
    bare = run_phase(__file__, "read", "--dir", str(city), env=env)
    ingest = run_phase(__file__, "ingest", "--dir", str(city), env=env)
    print(
        f"city: {args.enterprises:,} enterprises × {args.months} months, {args.format}, "
        f"{size:,.0f} MiB in {len(source_files(city))} files (synthesized in {synth_seconds:.1f} s)"
    )
    print(f"database: {env.get('XYD_DATABASE_URL', 'sqlite (embedded)')}")
    print(
        f"bare read (pyarrow → pandas): {bare['seconds']:.1f} s, {bare['rows']:,.0f} rows, "
        f"peak RSS {bare['peak_rss_mib']:,.0f} MiB"
    )
    print(
        f"ingest: {ingest['seconds']:.1f} s, {ingest['rows']:,.0f} rows read, "
        f"{ingest['loaded']:,.0f} loaded, {ingest['rejected']:,.0f} rejected, "
        f"{ingest['rows'] / ingest['seconds']:,.0f} rows/s, "
        f"peak RSS {ingest['peak_rss_mib']:,.0f} MiB"
    )
    print(f"ratio ingest / bare read: {ingest['seconds'] / bare['seconds']:.2f}×")
    goals = Goals()
    goals.judge(
        "ingest time",
        figure=f"{ingest['seconds']:.1f} s (bare read {bare['seconds']:.1f} s)",
        goal="≤ 60 s",
        met=ingest["seconds"] <= 60,
    )
    goals.judge(
        "ingest peak RSS",
        figure=f"{ingest['peak_rss_mib']:,.0f} MiB (bare read {bare['peak_rss_mib']:,.0f} MiB)",
        goal="≤ 4096 MiB",
        met=ingest["peak_rss_mib"] <= 4096,
    )
    goals.finish(check=args.check)


if __name__ == "__main__":
    main()
