"""Synthetic cities validated exactly as ingestion does, and hand-made source rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from app.enterprises import uscc
from scoring.sources.contracts import CONTRACTS
from scoring.sources.readers import read_text_table
from scoring.sources.validation import Context, validate
from tests.scoring_fixtures import clean_city

CONTEXT = Context(
    load_date=date(2026, 11, 23),
    districts=frozenset({"330502", "330503", "330521", "330522", "330523"}),
)
FIRM_A = uscc.complete("91330502MA2B3C4D5")
FIRM_B = uscc.complete("91330503MA7X8Y9Q1")
FIRM_C = uscc.complete("92330521MA0K1L2M3")
REGISTRATION = {
    "name": "湖州恒兴服装有限公司",
    "entity_type": "enterprise",
    "status": "active",
    "registration_date": "2018-03-15",
    "registered_capital_yuan": "1000000",
    "industry_section": "C",
    "industry_division": "18",
    "district": "330502",
    "headcount": "12",
    "annual_revenue_yuan": "5000000",
    "legal_representative": "王伟",
}
# Values that fill the required columns a hand-made row leaves out.
DEFAULTS: dict[str, dict[str, str]] = {
    "registration": REGISTRATION,
    "public_credit_events": {"department": "市场监管局"},
    "loan_outcomes": {
        "lender_code": "huzhou-bank",
        "principal_yuan": "500000",
        "term_months": "12",
        "balance_yuan": "500000",
        "days_past_due": "0",
        "defaulted": "false",
    },
}
Records = Callable[..., pd.DataFrame]


def load_city(directory: Path) -> dict[str, pd.DataFrame]:
    """Every source of a generated city as typed rows, as ingestion validates them."""
    sources = {}
    for kind, contract in CONTRACTS.items():
        frame, _ = read_text_table(directory / f"{kind}.csv")
        result = validate(frame, contract, CONTEXT)
        assert result.rejections.empty, result.rejections.head()
        sources[kind] = result.rows
    return sources


@pytest.fixture(scope="session")
def city_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clean_city(tmp_path_factory, enterprises=400, seed=5)


@pytest.fixture(scope="session")
def sources(city_dir: Path) -> dict[str, pd.DataFrame]:
    """The 400-firm city (36 months to 2026-10), one typed frame per source kind."""
    return load_city(city_dir)


@pytest.fixture(scope="session")
def truth(city_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(city_dir / "truth.parquet")


def _records(kind: str, rows: list[dict[str, str]]) -> pd.DataFrame:
    contract = CONTRACTS[kind]
    defaults = DEFAULTS.get(kind, {})
    text = pd.DataFrame(
        [{name: row.get(name, defaults.get(name, "")) for name in contract.names} for row in rows],
        columns=list(contract.names),
        dtype="string",
    )
    result = validate(text, contract, CONTEXT)
    assert result.rejections.empty, result.rejections.to_dict("records")
    return result.rows


@pytest.fixture
def records() -> Records:
    """Typed rows of ``kind`` from text rows as a source file holds them (yuan, YYYY-MM)."""
    return _records


@pytest.fixture
def registry() -> Callable[..., pd.DataFrame]:
    """Registration rows for the given codes; keyword overrides apply to every row."""

    def make(*codes: str, **overrides: str) -> pd.DataFrame:
        return _records("registration", [{"uscc": code, **overrides} for code in codes])

    return make
