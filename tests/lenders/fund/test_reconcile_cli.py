"""``xyd fund reconcile`` as an operator runs it: a separate process on a SQLite database."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlmodel import Session, create_engine

from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.models import Limit
from lenders.fund.ledger.service import Posting
from tests.test_cli import env, xyd

__all__ = ["env"]  # the fixture these tests run in: a fresh SQLite database for the CLI


def test_reconcile_prints_its_figures_and_exits_1_when_an_account_disagrees(
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    xyd(env, "db", "upgrade")
    engine = create_engine(env["XYD_DATABASE_URL"])
    with Session(engine) as session, session.begin():
        ledger.open_account(session, code="capital", name="财政出资")
        ledger.open_account(
            session, code="cash", name="基金专户", limit=Limit.CREDITS_WITHIN_DEBITS
        )
        posting = Posting("c1", "cash", "capital", 5_000_000_00, "contribution")
        ledger.post(session, journal="c1", postings=[posting], actor="test")
    engine.dispose()
    report = json.loads(xyd(env, "fund", "reconcile", "--json").stdout)
    assert report == {
        "balanced": True,
        "entries": 1,
        "accounts": 2,
        "negative_balances": 0,
        "mismatches": 0,
        "debits_fen": 5_000_000_00,
        "credits_fen": 5_000_000_00,
        "position_mismatches": 0,
    }
    with closing(sqlite3.connect(tmp_path / "cli.db")) as raw, raw:
        raw.execute("UPDATE ledger_accounts SET debits_posted_fen = 1 WHERE code = 'cash'")
    broken = xyd(env, "fund", "reconcile", check=False)
    assert broken.returncode == 1
    assert "账实不符 1 个" in broken.stdout


def test_reconcile_exits_1_when_a_bank_s_running_position_is_not_its_loans(
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    xyd(env, "db", "upgrade")
    with closing(sqlite3.connect(tmp_path / "cli.db")) as raw, raw:
        raw.execute(
            "INSERT INTO lenders (code, name, is_active, created_at) "
            "VALUES ('hz', '湖州银行', 1, '2026-12-01 00:00:00.000000')"
        )
        raw.execute(
            "INSERT INTO fund_positions VALUES ('hz', 100, 0, '2026-12-01 00:00:00.000000')"
        )
    broken = xyd(env, "fund", "reconcile", check=False)
    assert broken.returncode == 1
    assert "在保余额与贷款不符 1 处" in broken.stdout
    report = json.loads(xyd(env, "fund", "reconcile", "--json", check=False).stdout)
    assert report["position_mismatches"] == 1 and report["mismatches"] == 0
