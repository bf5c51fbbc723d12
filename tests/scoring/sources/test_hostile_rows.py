"""Hostile values inside a file: each is a rejected row with its reason, never a crash."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, func, select

from app.audit.service import SystemActor
from app.enterprises.models import Enterprise, UsccReview
from scoring.sources import service as source_service
from scoring.sources.models import RejectedRow
from scoring.sources.store import SourceStore
from tests.scoring.sources.rows import CODE, VALID

ACTOR = SystemActor("test")


def load(db: Session, tmp_path: Path, name: str, rows: list[dict[str, str]]):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    store = SourceStore(tmp_path / "data")
    return source_service.ingest_file(db, path=path, actor=ACTOR, store=store)


def rejections(db: Session, batch_id: int | None) -> dict[int, set[tuple[str, str]]]:
    found: dict[int, set[tuple[str, str]]] = {}
    for row in db.exec(select(RejectedRow).where(RejectedRow.batch_id == batch_id)).all():
        found[row.row_number] = {(v["column"], v["rule"]) for v in row.violations}
    return found


@pytest.mark.parametrize("hidden", ["\x00", "\t", "\u3000", "\u200b"])
def test_a_code_with_a_hidden_character_is_rejected_not_a_second_enterprise(
    db: Session, tmp_path: Path, hidden: str
) -> None:
    rows = [VALID["registration"], {**VALID["registration"], "uscc": CODE + hidden}]
    result = load(db, tmp_path, "registration.csv", rows)
    assert (result.batch.rows_loaded, result.batch.rows_rejected) == (1, 1)
    assert rejections(db, result.batch.id) == {2: {("uscc", "uscc_format")}}
    assert db.exec(select(Enterprise.uscc)).all() == [CODE]
    assert db.exec(select(func.count()).select_from(UsccReview)).one() == 0


def test_ascii_spaces_around_a_code_are_the_same_code(db: Session, tmp_path: Path) -> None:
    rows = [{**VALID["registration"], "uscc": f"  {CODE.lower()} "}]
    result = load(db, tmp_path, "registration.csv", rows)
    assert result.batch.rows_loaded == 1
    assert db.exec(select(Enterprise.uscc)).all() == [CODE]


def test_full_width_and_other_unicode_digits_are_rejected_rows(db: Session, tmp_path: Path) -> None:
    """Full-width digits once crashed the load (a 500 with the upload left behind)."""
    rows = [
        VALID["utility_monthly"],
        {**VALID["utility_monthly"], "month": "2026-08", "electricity_kwh": "１２３"},
        {**VALID["utility_monthly"], "month": "2026-07", "water_m3": "٣٤"},
        {**VALID["utility_monthly"], "month": "２０２６-06"},
    ]
    result = load(db, tmp_path, "utility_monthly.csv", rows)
    assert (result.batch.rows_loaded, result.batch.rows_rejected) == (1, 3)
    assert rejections(db, result.batch.id) == {
        2: {("electricity_kwh", "number_format")},
        3: {("water_m3", "number_format")},
        4: {("month", "month_format")},
    }


def test_full_width_digits_in_counts_and_years_are_rejected_rows(
    db: Session, tmp_path: Path
) -> None:
    grade = {**VALID["tax_grade"], "year": "２０２５"}
    result = load(db, tmp_path, "tax_grade.csv", [grade])
    assert rejections(db, result.batch.id) == {1: {("year", "year_range")}}
    social = {**VALID["social_security_monthly"], "insured_headcount": "１２"}
    result = load(db, tmp_path, "social_security_monthly.csv", [social])
    assert rejections(db, result.batch.id) == {1: {("insured_headcount", "count_format")}}


def test_full_width_digits_in_money_are_a_rejected_row(db: Session, tmp_path: Path) -> None:
    rows = [VALID["tax_monthly"], {**VALID["tax_monthly"], "month": "2026-08"}]
    rows[1]["tax_paid_yuan"] = "３２００.１０"
    result = load(db, tmp_path, "tax_monthly.csv", rows)
    assert rejections(db, result.batch.id) == {2: {("tax_paid_yuan", "money_format")}}
