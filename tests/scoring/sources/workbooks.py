"""Crafted workbooks: a real small .xlsx whose sheet or members are replaced with zipfile."""

from __future__ import annotations

import io
import zipfile

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(*, sheet: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx made by openpyxl, with its first sheet's XML and extra members as given."""
    book = openpyxl.Workbook()
    book.active.append(["uscc", "month"])  # type: ignore[union-attr]
    base = io.BytesIO()
    book.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item in source.infolist():
            data = sheet if item.filename == SHEET and sheet is not None else source.read(item)
            dest.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            dest.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def one_cell_sheet(reference: str, *, dimension: str | None = None) -> bytes:
    """A sheet whose only cell is ``reference`` (e.g. XFD2000), declaring ``dimension``."""
    row = "".join(ch for ch in reference if ch.isdigit())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
        f'<dimension ref="{dimension or "A1:" + reference}"/><sheetData>'
        f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def table_sheet(rows: list[list[str]], *, extra_cells: str = "") -> bytes:
    """A sheet of inline strings, row by row; ``extra_cells`` is raw XML appended as rows."""
    body = []
    for number, values in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for index, value in enumerate(values)
        )
        body.append(f'<row r="{number}">{cells}</row>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
        f"{''.join(body)}{extra_cells}</sheetData></worksheet>"
    ).encode()
