"""``xyd deliveries`` and ``xyd score-sweep`` as an operator runs them, on a fresh database."""

from __future__ import annotations

import json

from tests.test_cli import env, xyd

__all__ = ["env"]


def test_deliveries_commands(env: dict[str, str]) -> None:
    xyd(env, "db", "upgrade")
    listed = xyd(env, "deliveries", "list")
    assert listed.stdout == "" and "0 dead" in listed.stderr
    ran = json.loads(xyd(env, "deliveries", "run", "--max-seconds", "1").stdout)
    assert ran["attempted"] == 0 and ran["batches"] == 0
    unknown = xyd(env, "deliveries", "redeliver", "0" * 32, check=False)
    assert unknown.returncode == 1 and "does not exist" in unknown.stderr


def test_score_sweep_on_an_empty_database(env: dict[str, str]) -> None:
    xyd(env, "db", "upgrade")
    swept = json.loads(xyd(env, "score-sweep", "--json").stdout)
    assert swept == {"finished": [], "requeued": {}, "failed": []}
