"""Hostile and odd files at the reader: refused quickly with a clear reason, or read right."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from scoring.sources import excel, readers
from scoring.sources.exceptions import (
    ArchiveTooLarge,
    FileRefused,
    SpreadsheetTooLarge,
    UnknownEncoding,
)
from tests.scoring.sources.rows import VALID
from tests.scoring.sources.workbooks import one_cell_sheet, table_sheet, workbook

LIMITS = excel.Limits(rows=10_000, columns=50, unpacked_bytes=64 << 20, ratio=200)


def refused(path: Path, kind: type[FileRefused], within: excel.Limits = LIMITS) -> str:
    started = time.perf_counter()
    with pytest.raises(kind) as refusal:
        excel.read_excel(path, name="book.xlsx", within=within)
    assert time.perf_counter() - started < 5  # was 110 s and 2.3 GiB
    assert str(path.parent) not in refusal.value.detail
    return refusal.value.detail


def write(tmp_path: Path, content: bytes, name: str = "3f2a-upload.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_one_cell_at_xfd2000_is_refused_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, workbook(sheet=one_cell_sheet("XFD2000")))
    assert len(path.read_bytes()) < 8000
    detail = refused(path, SpreadsheetTooLarge)
    assert "列" in detail and "50" in detail


def test_one_cell_at_the_last_row_is_refused_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, workbook(sheet=one_cell_sheet("A1048576")))
    assert "10,000 行" in refused(path, SpreadsheetTooLarge)


def test_a_row_number_beyond_excel_is_refused_without_counting_to_it(tmp_path: Path) -> None:
    path = write(tmp_path, workbook(sheet=one_cell_sheet("A2000000000", dimension="A1:A1")))
    refused(path, SpreadsheetTooLarge)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = workbook(extra={"xl/media/image1.bin": b"\0" * (32 << 20)})
    path = write(tmp_path, bomb)
    assert len(bomb) < 200_000
    assert "压缩炸弹" in refused(path, ArchiveTooLarge)


def test_an_archive_that_unpacks_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, workbook(extra={"xl/media/noise.bin": bytes(range(256)) * 4096}))
    small = excel.Limits(rows=10, columns=10, unpacked_bytes=512 << 10, ratio=200)
    assert "解压后" in refused(path, ArchiveTooLarge, small)


def test_a_lying_dimension_is_ignored_and_the_table_read(tmp_path: Path) -> None:
    rows = [["uscc", "month", "备注"], ["X1", "2026-01", "甲"], [], ["X2", "2026-02", ""], []]
    sheet = table_sheet(rows).replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'
    )
    frame = excel.read_excel(write(tmp_path, workbook(sheet=sheet)), name="b.xlsx", within=LIMITS)
    assert list(frame.columns) == ["uscc", "month", "备注"]
    assert frame.fillna("").values.tolist() == [
        ["X1", "2026-01", "甲"],
        ["", "", ""],
        ["X2", "2026-02", ""],
    ]


def test_data_outside_the_header_is_refused(tmp_path: Path) -> None:
    stray = '<row r="3"><c r="F3" t="inlineStr"><is><t>note</t></is></c></row>'
    sheet = table_sheet([["uscc", "month"], ["X1", "2026-01"]], extra_cells=stray)
    assert "没有表头" in refused(write(tmp_path, workbook(sheet=sheet)), FileRefused)


def test_typed_cells_read_as_pandas_read_them(tmp_path: Path) -> None:
    path = tmp_path / "housing_fund_monthly.xlsx"
    pd.DataFrame([{"a": 5, "b": 2.5, "c": 3.0, "d": "x"}]).to_excel(path, index=False)
    frame = excel.read_excel(path, name=path.name, within=LIMITS)
    assert frame.iloc[0].tolist() == ["5", "2.5", "3", "x"]


def test_a_gbk_csv_with_a_chinese_header_is_read_whole(tmp_path: Path) -> None:
    """The header once went to UTF-8 alone: "'utf-8' codec can't decode byte 0xb1"."""
    rows = [{**VALID["tax_monthly"], "备注": "按月申报"}] * 3
    path = tmp_path / "8c1d-tax_monthly.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="gbk")
    frame, encoding = readers.read_text_table(path, name="tax_monthly.csv")
    assert encoding == "gb18030" and frame["备注"].tolist() == ["按月申报"] * 3


def test_a_utf8_csv_with_a_bom_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "tax_monthly.csv"
    pd.DataFrame([{**VALID["tax_monthly"], "备注": "甲"}]).to_csv(
        path, index=False, encoding="utf-8-sig"
    )
    frame, encoding = readers.read_text_table(path)
    assert encoding == "utf-8" and frame.columns[0] == "uscc"


def test_gbk_late_in_a_large_file_is_still_found(tmp_path: Path) -> None:
    """Only the whole file decides: one GBK byte after megabytes of ASCII makes it GB18030."""
    path = tmp_path / "tax_monthly.csv"
    body = "uscc,month\n" + "X,2026-01\n" * 300_000 + "X,2026-01\n"
    path.write_bytes(body.encode() + "Y,甲\n".encode("gbk"))
    assert readers.encoding_of(path, name="tax_monthly.csv") == "gb18030"


def test_neither_utf8_nor_gb18030_is_refused_without_the_server_path(tmp_path: Path) -> None:
    path = tmp_path / "9d0e2f-secret-temp.csv"
    path.write_bytes(b"uscc,month\n\x80\x80\xff\xfe,2026-01\n")
    with pytest.raises(UnknownEncoding) as refusal:
        readers.read_text_table(path, name="tax_monthly.csv")
    detail = refusal.value.detail
    assert "tax_monthly.csv" in detail and "UTF-8" in detail
    assert "secret-temp" not in detail and str(tmp_path) not in detail


def test_a_broken_file_is_described_by_its_given_name_only(tmp_path: Path) -> None:
    path = tmp_path / "5e6f-secret-temp.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(FileRefused) as refusal:
        readers.read_text_table(path, name="tax_monthly.parquet")
    detail = refusal.value.detail
    assert "tax_monthly.parquet" in detail
    assert "secret-temp" not in detail and str(tmp_path) not in detail


def test_an_entity_expansion_bomb_in_a_sheet_is_refused(tmp_path: Path) -> None:
    entities = (
        '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    path = write(tmp_path, workbook(sheet=sheet))
    with pytest.raises(FileRefused):
        readers.read_text_table(path, name="registration.xlsx")
