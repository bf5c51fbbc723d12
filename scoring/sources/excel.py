"""Excel workbooks read as a stream, within limits checked before and while parsing.

A workbook is a zip archive. Its declared sizes are checked before anything is unpacked
(``zipfile`` never yields more than a member declares, so they bound the work); the first
sheet is then read row by row in openpyxl's read-only mode, ignoring the sheet's declared
dimension, and refused as soon as it has data beyond the row or column limit.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from app.core.config import get_settings
from scoring.sources.exceptions import ArchiveTooLarge, FileRefused, SpreadsheetTooLarge

RATIO_FLOOR = 1 << 20  # small members may compress very well; only larger ones are judged
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    unpacked_bytes: int
    ratio: int


def limits() -> Limits:
    """The limits in force (``XYD_EXCEL_*``)."""
    settings = get_settings()
    return Limits(
        rows=settings.excel.max_rows,
        columns=settings.excel.max_columns,
        unpacked_bytes=settings.excel.max_unpacked_bytes,
        ratio=settings.excel.max_ratio,
    )


def read_excel(path: Path, *, name: str, within: Limits | None = None) -> pd.DataFrame:
    """The first sheet as text columns named by its first row."""
    within = within or limits()
    check_archive(path, name=name, within=within)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        # The declared <dimension> may say XFD1048576 for one cell, or lie: not trusted.
        sheet.reset_dimensions()
        header, rows = _table(sheet.iter_rows(values_only=True), name=name, within=within)
    finally:
        book.close()
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    return frame


def check_archive(path: Path, *, name: str, within: Limits) -> None:
    """Refuse an archive that would unpack to more than the limits allow."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise FileRefused(
            f"{name} 不是有效的 Excel 工作簿（.xlsx）", reason="unreadable"
        ) from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveTooLarge(f"{name} 的压缩包内文件过多（{len(members):,} 个）")
        unpacked = sum(member.file_size for member in members)
        if unpacked > within.unpacked_bytes:
            raise ArchiveTooLarge(
                f"{name} 解压后有 {unpacked:,} 字节，超过上限 {within.unpacked_bytes:,} 字节；"
                "请拆分文件或改用 CSV",
                unpacked_bytes=unpacked,
                limit=within.unpacked_bytes,
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_FLOOR and ratio > within.ratio:
                raise ArchiveTooLarge(
                    f"{name} 的压缩比异常（{ratio:,.0f} 倍，上限 {within.ratio} 倍），"
                    "疑似压缩炸弹，已拒收",
                    ratio=round(ratio),
                    limit=within.ratio,
                )


def _table(rows: Any, *, name: str, within: Limits) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows as text; trailing empty rows are dropped."""
    header: list[str] | None = None
    data: list[list[str]] = []
    blank = 0  # empty rows seen since the last row with data, kept only if data follows
    for number, values in enumerate(rows, start=1):
        # Rows are counted as they come, so a gap up to row 1,048,576 stops at the limit.
        if number > within.rows + 1:
            raise SpreadsheetTooLarge(
                f"{name} 的数据超过 {within.rows:,} 行（第一张工作表至少到第 {number:,} 行）；"
                "请拆分文件或改用 CSV，并删除多余的空行",
                limit_rows=within.rows,
            )
        if _has_data_beyond(values, within.columns):
            width = _width(values)
            raise SpreadsheetTooLarge(
                f"{name} 第 {number:,} 行的第 {width:,} 列有内容，超过上限 {within.columns} 列",
                limit_columns=within.columns,
            )
        width = _width(values[: within.columns])
        if header is None and width == 0:
            continue  # blank rows above the header
        if header is None:
            header = [
                _text(value).strip() or f"未命名列{index}"
                for index, value in enumerate(values[:width], start=1)
            ]
            _check_header(header, name=name)
            continue
        if width > len(header):
            raise FileRefused(
                f"{name} 第 {number:,} 行的第 {width:,} 列有内容，但该列没有表头",
                reason="unnamed_column",
            )
        if width == 0:
            blank += 1
            continue
        data.extend([[""] * len(header) for _ in range(blank)])
        blank = 0
        row = [_text(value) for value in values[:width]]
        data.append(row + [""] * (len(header) - width))
    if header is None:
        raise FileRefused(f"{name} 的第一张工作表是空的", reason="empty_file")
    return header, data


def _check_header(header: list[str], *, name: str) -> None:
    if not header:
        raise FileRefused(f"{name} 的第一行应是表头（列名），但它是空的", reason="missing_header")
    if len(set(header)) != len(header):
        raise FileRefused(f"{name} 的表头有重复的列名", reason="duplicate_columns")


def _has_data_beyond(values: tuple[Any, ...], columns: int) -> bool:
    """Whether a cell past ``columns`` has a value; counted in C, rows may be 16,384 wide."""
    tail = values[columns:]
    return tail.count(None) + tail.count("") < len(tail)


def _width(values: tuple[Any, ...]) -> int:
    """One past the last cell with a value (styled empty cells do not count)."""
    for index in range(len(values) - 1, -1, -1):
        if values[index] is not None and values[index] != "":
            return index + 1
    return 0


def _text(value: Any) -> str:
    """A cell as the text pandas gave before: whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return str(pd.Timestamp(value)) if not isinstance(value, time) else value.isoformat()
    return str(value)
