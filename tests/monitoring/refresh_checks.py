"""What the refresh tests compare: the cells and league rows the table holds, and what a whole
rebuild computes from the same rows at the same moment (computed, not written)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.monitoring import league, measures, repository
from app.monitoring.models import MonitoringCell, MonitoringLeagueRow

CELL_KEY = ("measure", "month", "district", "industry_section", "lender_code", "product_type")
LEAGUE_FIELDS = (
    "month", "lender_code", "offered", "answered", "answered_in_time", "median_response_minutes",
    "p90_response_minutes", "breaches", "approved", "decided", "declines",
)  # fmt: skip


def held_cells(db: Session) -> dict[tuple[str, ...], int]:
    rows = db.execute(select(MonitoringCell)).scalars()
    return {tuple(getattr(row, name) for name in CELL_KEY): row.value for row in rows}


def held_league(db: Session) -> list[dict[str, Any]]:
    rows = db.execute(select(MonitoringLeagueRow)).scalars()
    return sorted(
        ({name: getattr(row, name) for name in LEAGUE_FIELDS} for row in rows),
        key=lambda row: (row["month"], row["lender_code"]),
    )


def rebuilt(db: Session) -> tuple[dict[tuple[str, ...], int], list[dict[str, Any]]]:
    """What a whole rebuild would write now, through the last refresh's month and as of the
    moment it began reading."""
    last = repository.last_refresh(db)
    assert last is not None and last.read_from is not None
    cells = measures.compute(db, through=last.last_month)
    rows = league.compute(db, through=last.last_month, now=last.read_from)
    return (
        {tuple(cell): value for cell, value in cells.items()},
        sorted(
            ({name: row[name] for name in LEAGUE_FIELDS} for row in rows),
            key=lambda row: (row["month"], row["lender_code"]),
        ),
    )


def assert_equal_to_a_rebuild(db: Session) -> None:
    cells, rows = rebuilt(db)
    assert held_cells(db) == cells
    held = held_league(db)
    assert held == rows, (
        [row for row in held if row not in rows],
        [row for row in rows if row not in held],
    )
