"""``xyd monitoring`` as an operator runs it: separate processes on a fresh SQLite database
holding the hand-built city of tests/monitoring/world.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.core.db import make_engine
from tests.monitoring import world

XYD = str(Path(sys.executable).with_name("xyd"))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database with the city written into it."""
    where = tmp_path_factory.mktemp("monitoring-cli")
    environment = os.environ.copy()
    url = f"sqlite:///{where / 'cli.db'}"
    environment.update(
        XYD_DATA_DIR=str(where), XYD_DATABASE_URL=url, XYD_ENV="development", XYD_BROKER_URL=""
    )
    xyd(environment, "db", "upgrade")
    engine = make_engine(url)
    with Session(engine) as session:
        world.build(session)
        session.commit()
    engine.dispose()
    xyd(environment, "monitoring", "refresh")
    return environment


def xyd(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [XYD, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_report_writes_the_month_s_workbook(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    done = xyd(env, "monitoring", "report", "--month", "2026-11", "--out", str(out))
    assert "11 个工作表" in done.stdout
    book = load_workbook(out)
    assert book.sheetnames[:4] == ["说明", "目标达成", "指标总览", "融资对接漏斗"]
    funnel = {row[0]: row for row in book["融资对接漏斗"].iter_rows(values_only=True)}
    assert funnel["放款"][1:] == ("个", 1, 2)


def test_report_refuses_a_bad_month_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "never.xlsx"
    refused = xyd(env, "monitoring", "report", "--month", "2026-13", "--out", str(out), check=False)
    assert refused.returncode == 1 and "YYYY-MM" in refused.stderr
    assert not out.exists()
