"""``xyd fund forecast`` as an operator runs it: a separate process on a SQLite database."""

from __future__ import annotations

import json

from sqlmodel import Session, create_engine

from tests.lenders.fund import office_world
from tests.lenders.fund.office_world import CAPITAL_FEN, PAYOUT_FEN, RETURNED_FEN
from tests.test_cli import env, xyd

__all__ = ["env"]  # the fixture these tests run in: a fresh SQLite database for the CLI


def _world(env: dict[str, str]) -> None:
    xyd(env, "db", "upgrade")
    engine = create_engine(env["XYD_DATABASE_URL"])
    with Session(engine) as session:
        office_world.build(session)
        session.commit()
    engine.dispose()


def test_forecast_stores_a_run_and_prints_it(env: dict[str, str]) -> None:
    _world(env)
    run = json.loads(
        xyd(env, "fund", "forecast", "--json", "--paths", "300", "--horizon-months", "6").stdout
    )
    assert (run["trigger"], run["paths"], run["horizon_months"]) == ("cli", 300, 6)
    assert run["capital_fen"] == CAPITAL_FEN - PAYOUT_FEN + RETURNED_FEN
    assert run["loans"] == 3 and len(run["months"]) == 6
    assert run["months"][0]["payout_p5_fen"] >= 2 * 160_000_00  # the open claims, certain
    again = json.loads(
        xyd(env, "fund", "forecast", "--json", "--paths", "300", "--horizon-months", "6").stdout
    )
    assert again["id"] == run["id"] + 1 and again["months"] == run["months"]  # same seed
    words = xyd(env, "fund", "forecast", "--paths", "300", "--seed", "11").stdout
    assert words.startswith("按当前覆盖贷款和评分") and "种子 11" in words


def test_knobs_out_of_range_are_refused_in_chinese(env: dict[str, str]) -> None:
    _world(env)
    refused = xyd(env, "fund", "forecast", "--paths", "0", check=False)
    assert refused.returncode == 2
    assert "模拟路径数须在 1 到 100000 之间" in refused.stderr
