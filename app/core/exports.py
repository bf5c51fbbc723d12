"""Every spreadsheet and CSV the platform writes goes through here, so no cell is a live formula.

A spreadsheet program treats a text cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)`` leaks data, ``@SUM(...)`` runs), and one that begins with a tab or a
carriage return can hide such a start. Following the OWASP guidance on CSV injection, such text
is written with a leading single quote, which every spreadsheet shows as text. Only text is
touched: a number written as a number (a negative amount) stays a number.

A test (tests/core/test_exports.py) fails when a CSV writer or a workbook is made anywhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """The value as a cell may hold it: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_row(values: Iterable[Any]) -> list[Any]:
    """Each value of a row made inert."""
    return [inert(value) for value in values]


def csv_text(*, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document with a BOM (Excel then reads it as UTF-8) and every cell made inert."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(inert_row(header))
    for row in rows:
        writer.writerow(inert_row(row))
    return buffer.getvalue()


class Sheet:
    """A streamed (write-only) worksheet whose rows are made inert as they are appended."""

    def __init__(self, worksheet: WriteOnlyWorksheet) -> None:
        self._worksheet = worksheet

    def append(self, values: Iterable[Any]) -> None:
        """Add one row below the last."""
        self._worksheet.append(inert_row(values))

    def bold(self, values: Iterable[Any]) -> None:
        """Add one row in bold: headers, or a line saying what the sheet shows."""
        cells = []
        for value in values:
            cell = WriteOnlyCell(self._worksheet, value=inert(value))
            cell.font = Font(bold=True)
            cells.append(cell)
        self._worksheet.append(cells)


class Book:
    """A streamed .xlsx workbook made of :class:`Sheet` s."""

    def __init__(self) -> None:
        # write-only mode streams rows: a city-scale sheet never holds a cell object per value
        self._book = Workbook(write_only=True)

    def sheet(
        self,
        title: str,
        *,
        headers: Sequence[str],
        widths: Sequence[int] = (),
        notes: Sequence[str] = (),
    ) -> Sheet:
        """A new sheet: a bold line per note, then the bold headers, frozen below them."""
        worksheet = self._book.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = f"A{len(notes) + 2}"
        sheet = Sheet(worksheet)
        for note in notes:
            sheet.bold([note])
        sheet.bold(headers)
        return sheet

    def to_bytes(self) -> bytes:
        """The workbook as the bytes of an .xlsx file."""
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()
