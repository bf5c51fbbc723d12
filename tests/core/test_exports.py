"""No cell the platform writes is a live formula, and nothing writes a sheet around the helper."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core.exports import Book, csv_text, inert

HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1.00", "-2", "\tcmd", "\r=1+1"]
ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "scoring", "whitelist", "lenders", "banksim")
WRITERS = re.compile(
    r"csv\.(writer|DictWriter)\(|\bWorkbook\(|\.to_csv\(|\.to_excel\(|write_csv\(|xlsxwriter"
)
# Not for people: the synthetic city writes source files in the data contracts, machine input
# whose injected errors (a "-3" amount) must reach ingestion exactly as written.
MACHINE_INPUT = {Path("scoring/synthetic/city.py")}


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_a_spreadsheet_would_run_is_quoted(value: str) -> None:
    assert inert(value) == "'" + value


@pytest.mark.parametrize("value", ["湖州恒兴机械有限公司", "a=b", "", "1.00", None, -2, 3.5])
def test_everything_else_is_left_as_it_is(value: object) -> None:
    assert inert(value) == value


def test_a_csv_has_no_live_cell_and_keeps_its_numbers() -> None:
    text = csv_text(header=["n", "value", "-header"], rows=[[7, value, -2] for value in HOSTILE])

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0] == ["n", "value", "'-header"]
    assert [row[1] for row in rows[1:]] == ["'" + value for value in HOSTILE]
    assert {row[2] for row in rows[1:]} == {"-2"}  # a number written as a number stays one


def test_a_workbook_has_only_text_cells_for_hostile_text_and_numbers_for_numbers() -> None:
    book = Book()
    sheet = book.sheet("s", headers=["value", "amount"], notes=["=1+1 note"])
    for value in HOSTILE:
        sheet.append([value, -2])

    loaded = load_workbook(io.BytesIO(book.to_bytes()))["s"]

    note, headers, *rows = list(loaded.iter_rows())
    assert note[0].value == "'=1+1 note" and note[0].data_type == "s"
    assert [cell.value for cell in headers] == ["value", "amount"]
    # XML keeps no bare CR: the workbook reads it back as LF, still behind the quote
    assert [row[0].value for row in rows] == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert {row[0].data_type for row in rows} == {"s"}  # "f" would be a formula
    assert {(row[1].value, row[1].data_type) for row in rows} == {(-2, "n")}


def test_every_csv_and_workbook_is_written_through_the_helper() -> None:
    helper = ROOT / "app" / "core" / "exports.py"
    elsewhere = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != helper and path.relative_to(ROOT) not in MACHINE_INPUT
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WRITERS.search(line)
    ]
    assert elsewhere == [], "write CSV and Excel through app.core.exports"
