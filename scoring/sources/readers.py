"""Reading source files — CSV (UTF-8 or GB18030), Excel, Parquet — as text columns."""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scoring.sources import excel
from scoring.sources.contracts import CONTRACTS, Contract
from scoring.sources.exceptions import FileRefused, UnknownEncoding

log = logging.getLogger(__name__)

SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet"}
FORMAT_NAMES = {"csv": "CSV", "excel": "Excel", "parquet": "Parquet"}
BLOCK_SIZE = 16 << 20
Progress = Callable[[int, int], None]  # bytes read so far, bytes in all


def kind_of(path: Path, declared: str | None = None) -> Contract:
    """The contract a file follows: declared, or named by it (``utility_monthly-2026.csv``)."""
    if declared:
        if declared not in CONTRACTS:
            raise FileRefused(
                f"没有“{declared[:40]}”这种数据类型；请从 {'、'.join(CONTRACTS)} 中选择",
                reason="unknown_kind",
                kinds=list(CONTRACTS),
            )
        return CONTRACTS[declared]
    stem = path.name.split(".")[0]
    for kind in sorted(CONTRACTS, key=len, reverse=True):
        if stem == kind or stem.startswith((f"{kind}-", f"{kind}_")):
            return CONTRACTS[kind]
    raise FileRefused(
        f"无法判断 {path.name} 是哪类数据：请选择数据类型，或以类型开头命名文件"
        f"（如 utility_monthly-2026-10.csv）",
        reason="kind_not_named",
        kinds=list(CONTRACTS),
    )


def read_text_table(
    path: Path, *, name: str | None = None, progress: Progress | None = None
) -> tuple[pd.DataFrame, str]:
    """Every column as text (nothing is converted yet), and the encoding or format read.

    ``name`` is what people call the file; messages use it and never ``path``, which may be a
    temporary file on the server.
    """
    name = name or path.name
    fmt = SUFFIXES.get(Path(name).suffix.lower()) or SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise FileRefused(
            f"{name}：不支持的文件类型；请发送 CSV、Excel（.xlsx）或 Parquet 文件",
            reason="unsupported_format",
        )
    if path.stat().st_size == 0:
        raise FileRefused(f"{name} 是空文件，没有可载入的内容", reason="empty_file")
    try:
        if fmt == "csv":
            return _read_csv(path, name, progress)
        if fmt == "excel":
            return excel.read_excel(path, name=name), "excel"
        return _read_parquet(path), "parquet"
    except FileRefused:
        raise
    except Exception as error:  # any parser failure means the file as a whole is unreadable
        log.warning("file unreadable", extra={"file": name, "error": repr(error)})
        # The parser's own words are English: programs get them, people a sentence they can act on.
        raise FileRefused(
            f"{name} 无法按 {FORMAT_NAMES[fmt]} 格式读取：文件可能已损坏，或内容与扩展名不符",
            reason="unreadable",
            parser_message=_scrubbed(error, path, name),
        ) from error


def encoding_of(path: Path, *, name: str) -> str:
    """UTF-8 (with or without BOM) or GB18030, decided by strict decoding of the whole file.

    GB18030 is a superset of GBK and GB2312, which government systems often export. A file
    that is both (pure ASCII) is UTF-8. Decoding runs block by block, so memory stays flat.
    """
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnknownEncoding(
        f"{name} 既不是 UTF-8 也不是 GB18030（GBK）编码的文本；请另存为 UTF-8 编码的 CSV"
    )


def _read_csv(path: Path, name: str, progress: Progress | None) -> tuple[pd.DataFrame, str]:
    encoding = encoding_of(path, name=name)
    return _read_csv_as(path, "utf8" if encoding == "utf-8" else encoding, progress), encoding


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


def _read_parquet(path: Path) -> pd.DataFrame:
    table = pq.read_table(path)
    return _as_text_frame(table)


def _as_text_frame(table: pa.Table) -> pd.DataFrame:
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        is_text = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
        columns[name.strip().lstrip("\ufeff")] = column if is_text else column.cast(pa.string())
    return pa.table(columns).to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow"))


def _scrubbed(error: Exception, path: Path, name: str) -> str:
    """A parser's message without the server's file names or directories."""
    text = str(error)
    for secret in (str(path.resolve()), str(path), str(path.parent), path.name):
        text = text.replace(secret, name)
    return text[:500]


def check_columns(frame: pd.DataFrame, contract: Contract, *, file_name: str) -> list[str]:
    """Refuse a file that lacks a contract column; return the columns the contract ignores.

    Every column of the contract must be present; an optional column may be empty. A file of
    another kind therefore never loads as this one with its readings silently missing. A column
    the contract gained later (``may_be_absent``) is added empty when a file leaves it out.
    """
    absent = [c.name for c in contract.columns if c.name not in frame.columns]
    for name in absent:
        if contract.column(name).may_be_absent:
            frame[name] = pd.Series(pd.NA, index=frame.index, dtype=pd.StringDtype("pyarrow"))
    missing = [name for name in absent if name not in frame.columns]
    if missing:
        named = "、".join(f"{name}（{contract.column(name).zh}）" for name in missing)
        raise FileRefused(
            f"{file_name} 不是{contract.zh}（{contract.kind}）文件：缺少列 {named}",
            reason="missing_columns",
            missing_columns=missing,
        )
    return [name for name in frame.columns if name not in contract.names]
