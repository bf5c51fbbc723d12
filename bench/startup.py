"""Benchmark: how long the ``xyd`` command and a second ``make run`` take to start (not a test).

    python bench/startup.py [--runs 5] [--demo-enterprises 3000] [--no-serve] [--check] [--tiny]

Prints, each against its goal and a bare baseline measured in the same run (best of ``--runs``):
``xyd --help`` against ``python -c pass``; then, on a SQLite database the demo has filled once
(untimed), a second ``make run`` — ``compileall`` of the project's packages, ``xyd db upgrade``,
``xyd demo --if-empty``, ``xyd serve`` until ``GET /healthz`` answers 200 — against a bare
uvicorn app answering its first request.
Goals on a quiet machine: ``xyd --help`` ≤ 1.5 s; a second ``make run`` to ``/healthz`` ≤ 10 s.
``--tiny`` (1 run, a 120-enterprise demo) is a smoke run; ``--check`` exits 1 on a missed goal.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.common import Goals, add_common_options

ROOT = Path(__file__).resolve().parents[1]
XYD = str(Path(sys.executable).with_name("xyd"))
HELP_GOAL, MAKE_RUN_GOAL = 1.5, 10.0
PACKAGES = ("app", "scoring", "whitelist", "lenders", "banksim")  # as the Makefile compiles them


def best_of(runs: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(runs))


def timed(*command: str, env: dict[str, str]) -> float:
    """Seconds for ``command`` to run to its end; it must succeed."""
    started = time.perf_counter()
    subprocess.run(list(command), env=env, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def until_healthy(command: list[str], *, port: int, env: dict[str, str], path: str) -> float:
    """Start ``command`` and return the seconds until ``path`` answers 200; then stop it."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=2, trust_env=False) as http:
            while process.poll() is None and time.perf_counter() - started < 120:
                try:
                    if http.get(path).status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    time.sleep(0.02)
        raise SystemExit(f"{command[0]} did not answer {path} (exit {process.poll()})")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def second_make_run(env: dict[str, str]) -> float:
    """What `make run` does on a database it has filled before, to the first 200 of /healthz."""
    started = time.perf_counter()
    timed(sys.executable, "-m", "compileall", "-q", *PACKAGES, env=env)
    timed(XYD, "db", "upgrade", env=env)
    timed(XYD, "demo", "--if-empty", env=env)
    port = free_port()
    until_healthy([XYD, "serve", "--port", str(port)], port=port, env=env, path="/healthz")
    return time.perf_counter() - started


def bare_uvicorn(env: dict[str, str]) -> float:
    """A hello app of a few lines under uvicorn, to its first 200."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "bench.startup_hello:create_app"]
    return until_healthy(
        [*command, "--port", str(port), "--log-level", "warning"], port=port, env=env, path="/"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="best of this many")
    parser.add_argument("--demo-enterprises", type=int, default=3000, help="as `make run`")
    parser.add_argument("--no-serve", action="store_true", help="measure `xyd --help` only")
    add_common_options(parser, tiny="1 run, a demo of 120 enterprises")
    args = parser.parse_args()
    if args.tiny:
        args.runs, args.demo_enterprises = 1, 120
    work = Path(tempfile.mkdtemp(prefix="xyd-bench-startup-"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("XYD_")}
    env |= {
        "XYD_ENV": "development",
        "XYD_DATA_DIR": str(work / "data"),
        "XYD_DATABASE_URL": f"sqlite:///{work / 'startup.db'}",
        "XYD_BROKER_URL": "",
        "XYD_LOG_LEVEL": "WARNING",
    }
    print(f"{os.cpu_count()} cores; best of {args.runs}; load average {os.getloadavg()[0]:.1f}")
    goals = Goals()
    bare = best_of(args.runs, lambda: timed(sys.executable, "-c", "pass", env=env))
    help_seconds = best_of(args.runs, lambda: timed(XYD, "--help", env=env))
    print(f"xyd --help {help_seconds:.2f} s; bare `python -c pass` {bare:.2f} s")
    goals.judge(
        "xyd --help",
        figure=f"{help_seconds:.2f} s (bare python {bare:.2f} s)",
        goal=f"≤ {HELP_GOAL} s",
        met=help_seconds <= HELP_GOAL,
    )
    if not args.no_serve:
        started = time.perf_counter()
        timed(XYD, "db", "upgrade", env=env)
        timed(XYD, "demo", "--enterprises", str(args.demo_enterprises), env=env)
        print(f"first make run (untimed goal): {time.perf_counter() - started:.1f} s")
        bare_serve = best_of(args.runs, lambda: bare_uvicorn(env))
        again = best_of(args.runs, lambda: second_make_run(env))
        print(
            f"second make run to /healthz {again:.2f} s; bare uvicorn hello app to its first "
            f"200 {bare_serve:.2f} s"
        )
        goals.judge(
            "second make run to /healthz",
            figure=f"{again:.2f} s (bare uvicorn app {bare_serve:.2f} s)",
            goal=f"≤ {MAKE_RUN_GOAL} s",
            met=again <= MAKE_RUN_GOAL,
        )
    goals.finish(check=args.check)


if __name__ == "__main__":
    main()
