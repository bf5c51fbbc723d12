"""What every benchmark script needs: its own database, its peak memory, its goals and verdict."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mib() -> float:
    """This process's peak RSS. Linux's ru_maxrss keeps the parent's peak across fork and exec,
    so read the high-water mark of this process's own memory where the kernel shows it."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(script: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``script --phase *args`` in a fresh process, so the peak RSS it reports is the phase's
    own; the phase prints its figures as JSON on its last line."""
    output = subprocess.run(
        [sys.executable, script, "--phase", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's own database, so it never touches the test database."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    server = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(
        server.render_as_string(hide_password=False), autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{target.database}"')


def add_common_options(parser: argparse.ArgumentParser, *, tiny: str) -> None:
    """``--check`` and ``--tiny``, the same in every benchmark."""
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a goal is missed (goals are full size)"
    )
    parser.add_argument(
        "--tiny", action="store_true", help=f"a smoke run in seconds, not a measurement: {tiny}"
    )


@dataclass
class Goals:
    """Each goal's verdict as the benchmark prints it; ``finish`` decides the exit status."""

    missed: list[str] = field(default_factory=list)

    def judge(self, name: str, *, figure: str, goal: str, met: bool) -> bool:
        """Print one line: the figure, its goal, met or not; remember a miss."""
        print(f"goal {name}: {figure} (goal {goal}) → {'met' if met else 'NOT met'}", flush=True)
        if not met:
            self.missed.append(name)
        return met

    def finish(self, *, check: bool) -> None:
        """With ``check``, exit 1 naming the goals missed; otherwise only say so."""
        if not self.missed:
            print("every goal met")
            return
        print(f"goals missed: {', '.join(self.missed)}")
        if check:
            sys.exit(1)


async def timed_gets(
    app: object, path: str, headers: dict[str, str], *, requests: int, concurrency: int
) -> list[float]:
    """Milliseconds per GET of ``path`` through the application itself (no network), with
    ``concurrency`` in flight after one warm-up request; every answer must be 200."""
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    times: list[float] = []
    left = list(range(requests))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def lane() -> None:
            while left:
                left.pop()
                started = time.perf_counter()
                answer = await client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise SystemExit(f"{path} answered {answer.status_code}: {answer.text[:300]}")

        await client.get(path, headers=headers)  # warm: templates compiled, pool opened
        await asyncio.gather(*(lane() for _ in range(concurrency)))
    return times
