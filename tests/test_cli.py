"""The ``xyd`` command as an operator runs it: separate processes on a fresh SQLite database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.clock import to_local
from tests.clock import city_small_hours, travelling_env

XYD = str(Path(sys.executable).with_name("xyd"))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = os.environ.copy()
    environment.update(
        XYD_DATA_DIR=str(tmp_path),
        XYD_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        XYD_ENV="development",
        XYD_BROKER_URL="",
    )
    return environment


def xyd(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [XYD, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_db_upgrade_then_demo_json_then_idempotent(env: dict[str, str], tmp_path: Path) -> None:
    assert "database at head" in xyd(env, "db", "upgrade").stdout
    start = datetime.now(UTC)
    summary = json.loads(xyd(env, "demo", "--json", "--enterprises", "120").stdout)
    assert_times_in_order(tmp_path / "cli.db", start=start, end=datetime.now(UTC), lent=False)
    assert 100 <= summary["enterprises"] <= 120 and summary["lenders"] == 2
    assert summary["enterprises_added"] == summary["enterprises"]
    assert summary["batches"] == 9 and summary["records_loaded"] > 120 * 12
    assert summary["rows_rejected"] > 0  # the synthetic city carries data errors on purpose
    assert {"admin", "office", "operator", "bank1", "firm1"} <= set(summary["accounts"])
    again = json.loads(xyd(env, "demo", "--json", "--enterprises", "120").stdout)
    assert again["enterprises"] == summary["enterprises"] and again["enterprises_added"] == 0
    assert again["records_loaded"] == 0 and again["batches"] == 9
    skipped = xyd(env, "demo", "--if-empty")
    assert "nothing to do" in skipped.stderr
    too_little = xyd(env, "model", "train", "--months", "40", check=False)
    assert too_little.returncode == 1 and "only one class" in too_little.stderr


def test_demo_without_simulated_banks_publishes_products_and_routes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    # The browser stories' city: people answer its leads, so no simulated bank may.
    xyd(env, "db", "upgrade")
    summary = json.loads(
        xyd(env, "demo", "--json", "--enterprises", "120", "--no-simulated-banks").stdout
    )
    assert "leads_delivered" not in summary  # the banks chapter did not run
    # the fund is open (capital in, an agreement per bank) but nothing is lent, so nothing claimed
    assert summary["fund_capital_fen"] == 50_000_000_00 and summary["fund_balanced"] is True
    assert summary["covered_loans"] == summary["claims_filed"] == summary["fund_paid_fen"] == 0
    assert summary["kpis"]["platform_loans"] == 0 and summary["kpis"]["approval_ratio"] is None
    with closing(sqlite3.connect(tmp_path / "cli.db")) as connection:
        products = connection.execute(
            "SELECT lenders.code, count(*) FROM loan_products JOIN lenders"
            " ON lenders.id = loan_products.lender_id GROUP BY lenders.code"
        ).fetchall()
        assert sorted(products) == [("anji-rcb", 2), ("huzhou-bank", 2)]
        assert connection.execute("SELECT count(*) FROM leads").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM api_keys").fetchone()[0] == 0


def test_demo_trains_promotes_and_scores_the_city(env: dict[str, str], tmp_path: Path) -> None:
    # From 01:00 Beijing time, when the UTC date is still yesterday's: the demo's own dates
    # must be the city's. (The demo at the real time runs in the test above.)
    start = city_small_hours()
    offset = start - datetime.now(UTC)
    env = travelling_env(env, at=start)
    xyd(env, "db", "upgrade")
    summary = json.loads(xyd(env, "demo", "--enterprises", "1500", "--json").stdout)
    assert summary["scored"] == summary["enterprises"] and summary["model"].startswith("m")
    assert "scoring" not in summary
    assert 0.5 < summary["model_auc"] <= 1 and 0.5 < summary["oracle_auc"] <= 1
    assert set(summary["grade_default_rates"]) <= set("ABCDE")
    # the whitelist chapter: the best-graded ~5 % and the demo firms apply and consent, the
    # list is refreshed, then one member withdraws its need and one revokes its consent
    assert summary["scored"] * 0.03 < summary["applications"] <= summary["scored"] * 0.05 + 3
    assert 0 < summary["whitelist_size"] < summary["applications"]
    assert summary["whitelist_version"] == 1
    assert summary["whitelist_exits"] == {"consent_revoked": 1, "demand_withdrawn": 1}
    # the banks chapter: two simulated banks receive the leads by webhook (one failing 30 %
    # of deliveries) and answer through the API; silent offers expire and pass on
    assert summary["leads_delivered"] >= summary["whitelist_size"] - 2
    assert 0 < summary["approved"] <= summary["decisions"] <= summary["leads_delivered"]
    assert summary["loans"] == summary["approved"] == summary["first_loans"]
    assert summary["leads_expired"] >= 0
    assert summary["deliveries_dead_lettered"] == 0 and summary["events_lost"] == 0
    # the fund chapter: every loan was judged at disbursement (the second bank's cover is
    # capped per enterprise); some covered loans default, their claims are filed, and the
    # office pays all but the two of each bank left waiting; a recovery returns the fund's share
    assert summary["fund_capital_fen"] == 50_000_000_00
    assert summary["covered_loans"] + summary["cover_refused"] == summary["loans"]
    assert summary["covered_loans"] > 0
    assert 0 < summary["claims_paid"] <= summary["claims_filed"] - 2 <= 5
    assert 0 < summary["recoveries_fen"] < summary["fund_paid_fen"]
    assert summary["fund_balanced"] is True
    # the monitoring chapter: the office's denominators entered, the cells rebuilt; market
    # entities are the registry's entities, and every loan was a first loan to its borrower
    kpis = summary["kpis"]
    assert kpis["platform_loans"] == summary["loans"] == kpis["first_loans"]
    assert kpis["platform_loan_fen"] > 0
    assert kpis["approval_ratio"] == round(summary["approved"] / summary["decisions"], 4)
    assert kpis["obtained_loan_ratio"] == round(summary["loans"] / summary["enterprises"], 4)
    assert 0 < kpis["whitelist_loan_share"] <= 1
    assert 0 <= kpis["uscc_error_rate"] < 0.01
    assert kpis["median_response_hours"] is not None and kpis["median_response_hours"] >= 0
    assert_times_in_order(tmp_path / "cli.db", start=start, end=datetime.now(UTC) + offset)
    again = json.loads(xyd(env, "demo", "--enterprises", "1500", "--json").stdout)
    assert again["model"] == summary["model"] and again["scored"] == summary["scored"]
    assert again["applications"] == summary["applications"]  # nothing applies twice
    # the needs the banks ended (lent, rejected, expired) leave at the second run's refresh
    assert again["whitelist_version"] == 2
    assert again["whitelist_size"] <= summary["whitelist_size"] - summary["loans"]
    assert again["loans"] == summary["loans"] and again["events_lost"] == 0
    fund_keys = ("claims_filed", "claims_paid", "fund_paid_fen", "recoveries_fen", "fund_balanced")
    assert {key: again[key] for key in fund_keys} == {key: summary[key] for key in fund_keys}
    assert again["kpis"]["platform_loans"] == kpis["platform_loans"]  # nothing entered twice
    trained = json.loads(xyd(env, "model", "train", "--months", "16").stdout)
    assert trained["model"].startswith("m") and trained["metrics"]["n"] > 50
    assert trained["metrics"]["auc"] > 0.6


def assert_times_in_order(
    database: Path, *, start: datetime, end: datetime, lent: bool = True
) -> None:
    """What the demo recorded happened in order, between its start and end, on the city's day."""
    with closing(sqlite3.connect(database)) as connection:

        def one(query: str) -> object:
            return connection.execute(query).fetchone()[0]

        assert one("SELECT count(*) FROM leads WHERE responded_at < offered_at") == 0
        assert one("SELECT count(*) FROM leads WHERE decided_at < responded_at") == 0
        stamps = [
            one(f"SELECT {edge}({column}) FROM {table}")  # noqa: S608 (our own names)
            for table, column in (
                ("leads", "offered_at"),
                ("leads", "updated_at"),
                ("lead_transitions", "at"),
                ("whitelist_changes", "at"),
                ("application_transitions", "at"),
            )
            for edge in ("min", "max")
        ]
        moments = [datetime.fromisoformat(str(s)).replace(tzinfo=UTC) for s in stamps if s]
        assert all(start - timedelta(minutes=1) <= m <= end for m in moments), (start, end, moments)
        days = {row[0] for row in connection.execute("SELECT DISTINCT disbursed_on FROM loans")}
        city_days = {to_local(start).date().isoformat(), to_local(end).date().isoformat()}
        assert days <= city_days and (bool(days) or not lent)


def test_lender_user_and_key_commands(env: dict[str, str]) -> None:
    xyd(env, "db", "upgrade")
    lender = json.loads(xyd(env, "lender", "create", "hz-bank", "湖州银行").stdout)
    assert lender["code"] == "hz-bank"
    user = json.loads(
        xyd(
            env,
            "user",
            "create",
            "officer1",
            "lender_user",
            "--lender",
            "hz-bank",
            "--password",
            "long-enough-password",
        ).stdout
    )
    assert user["role"] == "lender_user"
    key = json.loads(xyd(env, "apikey", "create", "hz-bank", "--name", "core").stdout)
    assert key["key"].startswith("xyd_")
    duplicate = xyd(env, "lender", "create", "hz-bank", "重复", check=False)
    assert duplicate.returncode == 1 and "already registered" in duplicate.stderr
    missing = xyd(env, "apikey", "create", "no-such-bank", check=False)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    weak = xyd(env, "user", "create", "u2", "office", "--password", "short", check=False)
    assert weak.returncode == 1 and "password" in weak.stderr


def test_probe_runs_in_process_without_a_broker(env: dict[str, str]) -> None:
    xyd(env, "db", "upgrade")
    status = json.loads(xyd(env, "probe").stdout)
    assert status["runs"] == 1 and status["attempts"] == 1


def test_worker_without_broker_says_what_to_do(env: dict[str, str]) -> None:
    result = xyd(env, "worker", check=False)
    assert result.returncode == 1 and "XYD_BROKER_URL" in result.stderr


def test_serve_refuses_placeholder_secret_in_production(env: dict[str, str]) -> None:
    env = {**env, "XYD_ENV": "production", "XYD_SECRET_KEY": "changeme"}
    result = xyd(env, "serve", check=False)
    assert result.returncode == 1 and "XYD_SECRET_KEY" in result.stderr


def test_ingest_a_directory_shows_progress_and_refuses_bad_files(
    env: dict[str, str], tmp_path: Path
) -> None:
    import pandas as pd

    from tests.scoring.sources.rows import VALID

    xyd(env, "db", "upgrade")
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    pd.DataFrame([VALID["registration"]]).to_csv(incoming / "registration.csv", index=False)
    pd.DataFrame([VALID["tax_grade"], {**VALID["tax_grade"], "grade": "Z", "year": "2024"}]).to_csv(
        incoming / "tax_grade.csv", index=False
    )
    result = xyd(env, "ingest", str(incoming), "--json")
    summary = json.loads(result.stdout)["batches"]
    assert [b["kind"] for b in summary] == ["registration", "tax_grade"]
    assert summary[1]["rows_loaded"] == 1 and summary[1]["rows_rejected"] == 1
    assert "[1/2] registration.csv" in result.stderr and "reading 100%" in result.stderr
    again = json.loads(xyd(env, "ingest", str(incoming / "tax_grade.csv"), "--json").stdout)
    assert again["batches"][0]["status"] == "duplicate"
    (incoming / "tax_grade-bad.csv").write_text("uscc,year\n1,2\n")
    refused = xyd(env, "ingest", str(incoming / "tax_grade-bad.csv"), check=False)
    assert refused.returncode == 1 and "缺少列 grade" in refused.stderr


def test_synth_is_deterministic_and_reports_its_truth(env: dict[str, str], tmp_path: Path) -> None:
    import hashlib

    def run(out: Path, seed: str) -> dict[str, str]:
        summary = json.loads(
            xyd(
                env,
                "synth",
                "--out",
                str(out),
                "--enterprises",
                "300",
                "--months",
                "24",
                "--seed",
                seed,
            ).stdout
        )
        assert summary["enterprises"] == 300 and 0 < summary["default_rate"] < 1
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}

    first, again = run(tmp_path / "a", "11"), run(tmp_path / "b", "11")
    assert first == again and "truth.parquet" in first and len(first) == 10
    assert run(tmp_path / "c", "12") != first


def test_model_evaluate_train_promote_on_a_loan_book(env: dict[str, str], tmp_path: Path) -> None:
    from tests.scoring.model.data import loan_book

    xyd(env, "db", "upgrade")
    frame, _ = loan_book(2000)
    book = tmp_path / "book.xlsx"
    frame.to_excel(book, index=False)
    result = json.loads(
        xyd(
            env,
            "model",
            "evaluate",
            "--data",
            str(book),
            "--label",
            "bad",
            "--id",
            "loan_id",
            "--folds",
            "3",
            "--json",
        ).stdout
    )
    assert set(result) >= {"auc", "ks", "brier", "n", "positives"} and result["n"] == 2000
    assert result["auc"] > 0.6  # quality against the oracle is tested in tests/scoring/model
    missing = xyd(env, "model", "evaluate", "--data", str(book), "--label", "nope", check=False)
    assert missing.returncode == 1 and "label column 'nope'" in missing.stderr
    trained = json.loads(
        xyd(env, "model", "train", "--data", str(book), "--label", "bad", "--id", "loan_id").stdout
    )
    promoted = json.loads(xyd(env, "model", "promote", trained["model"]).stdout)
    assert promoted == {"champion": trained["model"]}
    assert f"* {trained['model']}" in xyd(env, "model", "list").stdout
