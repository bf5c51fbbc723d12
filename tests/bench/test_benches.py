"""Every benchmark runs as the README documents it, at a tiny size, so none can rot.

The tiny runs are smoke runs: they go without ``--check``, because the goals are set for the
full size (a 300-firm model cannot reach the AUC goal); ``--check`` itself is tested on the
shared verdict every benchmark uses.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.common import Goals
from tests.conftest import (
    POSTGRES_URL,
    REDIS_URL,
    postgres_reachable,
    redis_reachable,
    unavailable,
)

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
PYTHON = str(Path(sys.executable))
# Each benchmark script and what it needs besides --tiny: its own PostgreSQL database (dropped
# and created afresh by the script), Redis.
BENCHES = {
    "ingest": (),
    "scoring_bench": ("postgres",),
    "whitelist_bench": ("postgres",),
    "delivery": ("postgres", "redis"),
    "startup": (),
    "pages": ("postgres",),
    "fund": ("postgres",),
    "monitoring": ("postgres",),
}


def scripts() -> set[str]:
    return {p.stem for p in BENCH.glob("*.py") if '__name__ == "__main__"' in p.read_text()}


def test_every_benchmark_script_is_run_here() -> None:
    assert scripts() == set(BENCHES)


def test_no_bench_module_hides_a_package() -> None:
    """Run as a script, bench/ comes first on the path: a bench/scoring.py hid `scoring`."""
    hiding = {
        p.stem
        for p in BENCH.glob("*.py")
        if p.stem != "__init__" and importlib.util.find_spec(p.stem)
    }
    assert hiding == set()


def test_check_exits_non_zero_on_a_missed_goal(capsys: pytest.CaptureFixture[str]) -> None:
    goals = Goals()
    assert goals.judge("fast", figure="1 s", goal="≤ 2 s", met=True)
    goals.finish(check=True)  # every goal met: no exit
    assert not goals.judge("small", figure="5 GiB", goal="≤ 4 GiB", met=False)
    goals.finish(check=False)  # without --check a miss is said, not failed
    with pytest.raises(SystemExit) as exit_:
        goals.finish(check=True)
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "goal small: 5 GiB (goal ≤ 4 GiB) → NOT met" in out and "goals missed: small" in out


@pytest.fixture
def bench_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL database of the benchmark's own beside the test database; dropped after."""
    import psycopg

    if not postgres_reachable():
        unavailable("PostgreSQL at " + POSTGRES_URL, "see tests/conftest.py")
    base = make_url(POSTGRES_URL)
    url = base.set(database=f"{base.database}_bench_{request.node.callspec.id}")
    yield url.render_as_string(hide_password=False)
    server = base.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BENCHES))
def test_benchmark_runs_tiny(name: str, request: pytest.FixtureRequest) -> None:
    """`.venv/bin/python bench/<name>.py --tiny` from the project folder, as the README says."""
    command = [PYTHON, f"bench/{name}.py", "--tiny"]
    if "postgres" in BENCHES[name]:
        command += ["--database-url", request.getfixturevalue("bench_database")]
    if "redis" in BENCHES[name]:
        if not redis_reachable():
            unavailable("Redis at " + REDIS_URL, "see tests/conftest.py")
        command += ["--redis-url", REDIS_URL]
    # Nothing of the test session's settings leaks in: each benchmark sets up its own.
    env = {key: value for key, value in os.environ.items() if not key.startswith("XYD_")}
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "goal " in result.stdout and (
        "every goal met" in result.stdout or "missed" in result.stdout
    )
