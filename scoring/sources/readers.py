"""Reading source files — CSV (UTF-8 or GB18030), Excel, Parquet — as text columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scoring.sources.contracts import CONTRACTS, Contract
from scoring.sources.exceptions import FileRefused

SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet"}
BLOCK_SIZE = 16 << 20
Progress = Callable[[int, int], None]  # bytes read so far, bytes in all


def kind_of(path: Path, declared: str | None = None) -> Contract:
    """The contract a file follows: declared, or named by it (``utility_monthly-2026.csv``)."""
    if declared:
        if declared not in CONTRACTS:
            raise FileRefused(f"unknown kind {declared!r}; kinds are {', '.join(CONTRACTS)}")
        return CONTRACTS[declared]
    stem = path.name.split(".")[0]
    for kind in sorted(CONTRACTS, key=len, reverse=True):
        if stem == kind or stem.startswith((f"{kind}-", f"{kind}_")):
            return CONTRACTS[kind]
    raise FileRefused(
        f"cannot tell what {path.name} holds; name it after its kind "
        f"(e.g. utility_monthly-2026-10.csv) or declare the kind"
    )


def read_text_table(path: Path, *, progress: Progress | None = None) -> tuple[pd.DataFrame, str]:
    """Every column as text (nothing is converted yet), and the encoding or format read."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise FileRefused(f"{path.name}: unsupported file type; send CSV, Excel (.xlsx) or Parquet")
    try:
        if fmt == "csv":
            return _read_csv(path, progress)
        if fmt == "excel":
            return _read_excel(path), "excel"
        return _read_parquet(path), "parquet"
    except FileRefused:
        raise
    except Exception as error:  # any parser failure means the file as a whole is unreadable
        raise FileRefused(f"{path.name} cannot be read as {fmt}: {error}") from error


def _read_csv(path: Path, progress: Progress | None) -> tuple[pd.DataFrame, str]:
    try:
        return _read_csv_as(path, "utf8", progress), "utf-8"
    except pa.ArrowInvalid as error:
        if "UTF8" not in str(error) and "utf8" not in str(error).lower():
            raise
    # Government systems often export GB18030 (a superset of GBK and GB2312).
    return _read_csv_as(path, "gb18030", progress), "gb18030"


def _read_csv_as(path: Path, encoding: str, progress: Progress | None) -> pd.DataFrame:
    total = path.stat().st_size
    header = pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 16)
    ).schema.names
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding, block_size=BLOCK_SIZE),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    batches, done = [], 0
    for batch in reader:
        batches.append(batch)
        done += batch.nbytes
        if progress:
            progress(min(done, total), total)
    table = pa.Table.from_batches(batches, schema=reader.schema)
    return _as_text_frame(table)


def _read_excel(path: Path) -> pd.DataFrame:
    frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    return frame.astype("string").rename(columns=lambda name: str(name).strip())


def _read_parquet(path: Path) -> pd.DataFrame:
    table = pq.read_table(path)
    return _as_text_frame(table)


def _as_text_frame(table: pa.Table) -> pd.DataFrame:
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        is_text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        columns[name.strip().lstrip("\ufeff")] = column if is_text else column.cast(pa.string())
    return pa.table(columns).to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow"))


def check_columns(frame: pd.DataFrame, contract: Contract, *, file_name: str) -> list[str]:
    """Refuse a file that lacks a contract column; return the columns the contract ignores.

    Every column of the contract must be present; an optional column may be empty. A file of
    another kind therefore never loads as this one with its readings silently missing.
    """
    missing = [name for name in contract.names if name not in frame.columns]
    if missing:
        raise FileRefused(
            f"{file_name} is not a {contract.kind} file ({contract.zh}): "
            f"missing column(s) {', '.join(missing)}"
        )
    return [name for name in frame.columns if name not in contract.names]
