"""The ``xyd`` command starts light and refuses an unmigrated database in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.db import make_engine, session_scope
from app.core.migrations import upgrade
from tests.factories import make_enterprise

XYD = str(Path(sys.executable).with_name("xyd"))
ROOT = Path(__file__).resolve().parents[1]
# What `xyd --help` and a cheap command must not pay for: the scoring stack, the data stack,
# the task queue, the web framework.
HEAVY = ("lightgbm", "pandas", "pyarrow", "sklearn", "scipy", "celery", "fastapi", "uvicorn")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("XYD_")}
    environment.update(
        XYD_DATA_DIR=str(tmp_path),
        XYD_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}",
        XYD_ENV="development",
        XYD_BROKER_URL="",
    )
    return environment


def imported_by(
    env: dict[str, str], *argv: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``xyd argv`` in-process under ``-X importtime``; the run and every module it imported."""
    script = f"import sys; sys.argv = {['xyd', *argv]!r}; from app.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    modules = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result, modules


def test_import_app_cli_loads_no_heavy_package() -> None:
    probe = (
        f"import json, sys, app.cli; print(json.dumps(sorted(set({HEAVY!r}) & set(sys.modules))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(out.stdout) == []


@pytest.mark.slow
def test_help_loads_no_heavy_package(env: dict[str, str]) -> None:
    result, modules = imported_by(env, "--help")
    assert result.returncode == 0 and "demo" in result.stdout
    assert modules.isdisjoint(HEAVY), modules & set(HEAVY)


@pytest.mark.slow
def test_demo_if_empty_on_a_filled_database_skips_the_scoring_stack(
    env: dict[str, str], committed_database: str
) -> None:
    with session_scope() as session:
        make_enterprise(session)
    result, modules = imported_by(
        {**env, "XYD_DATABASE_URL": committed_database}, "demo", "--if-empty"
    )
    assert result.returncode == 0 and "nothing to do" in result.stderr
    assert modules.isdisjoint({"lightgbm", "pandas", "pyarrow", "sklearn"}), modules


UNMIGRATED_COMMANDS = [
    ("demo", "--json"),
    ("demo", "--if-empty"),
    ("lender", "create", "hz-bank", "湖州银行"),
    ("model", "list"),
    ("whitelist", "refresh"),
    ("deliveries", "list"),
    ("probe",),
    ("serve", "--port", "1"),
]


def one_line_naming_the_upgrade(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "xyd db upgrade" in lines[0] and "数据库" in lines[0] and "database" in lines[0]
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("argv", UNMIGRATED_COMMANDS, ids=" ".join)
def test_a_never_migrated_database_gets_one_line_naming_the_upgrade(
    env: dict[str, str], tmp_path: Path, argv: tuple[str, ...]
) -> None:
    result = subprocess.run(
        [XYD, *argv], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert "at none" in one_line_naming_the_upgrade(result)


@pytest.mark.slow
def test_a_database_behind_the_code_gets_the_same_line_and_upgrade_fixes_it(
    env: dict[str, str],
) -> None:
    engine = make_engine(env["XYD_DATABASE_URL"])
    upgrade(engine, "e473bf75f8e1")  # the first revision: the foundation only
    engine.dispose()
    run = lambda *argv: subprocess.run(  # noqa: E731
        [XYD, *argv], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert "at e473bf75f8e1" in one_line_naming_the_upgrade(
        run("lender", "create", "hz-bank", "湖州银行")
    )
    assert run("db", "upgrade").returncode == 0
    assert run("lender", "create", "hz-bank", "湖州银行").returncode == 0


@pytest.mark.slow
def test_a_database_ahead_of_the_code_is_named_as_such(env: dict[str, str]) -> None:
    engine = make_engine(env["XYD_DATABASE_URL"])
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfacef00d'"))
    engine.dispose()
    result = subprocess.run(
        [XYD, "lender", "create", "hz-bank", "湖州银行"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "f00dfacef00d" in result.stderr and "does not know" in result.stderr
