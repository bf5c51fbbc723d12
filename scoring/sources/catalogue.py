"""Render the data contracts as Markdown (``docs/data-contracts.md`` is this output)."""

from __future__ import annotations

from scoring.sources.contracts import CONTRACTS, Column, Contract, Type
from scoring.sources.validation import MESSAGES, RULES

TYPE_TEXT = {
    Type.TEXT: "text",
    Type.USCC: "USCC (18 chars)",
    Type.DATE: "date `YYYY-MM-DD`",
    Type.MONTH: "month `YYYY-MM`",
    Type.YEAR: "year `YYYY`",
    Type.MONEY: "yuan, ≤ 2 decimals (stored as integer fen)",
    Type.QUANTITY: "decimal ≥ 0",
    Type.COUNT: "whole number",
    Type.ENUM: "one of",
    Type.BOOL: "true / false",
}
STORAGE_TEXT = {
    "registry": "the enterprise registry (database); history in Parquet",
    "events": "the `credit_events` table (database), one row per version",
    "parquet": "Parquet, one file per batch under `XYD_DATA_DIR/sources/<kind>/`",
}


def render_markdown() -> str:
    """The whole contracts document."""
    parts = [
        "# Data contracts (数据规范)",
        "",
        "Generated from `scoring/sources/contracts.py` by `make docs`; do not edit by hand.",
        "",
        "Files may be CSV (UTF-8, or GB18030 as government systems export), Excel (`.xlsx`) or",
        "Parquet. A file is named after its kind (`utility_monthly-2026-10.csv`) or its kind is",
        "declared when loading. Every column below must be present in the header; an optional",
        "column may be left empty, and empty means *missing* (never zero). Extra columns are",
        "ignored and listed on the batch. A file without a contract column, of an unknown kind or",
        "that cannot be read is refused whole; otherwise each bad row is rejected alone with the",
        "column, the rule and its original values, and the good rows load. A row whose key an",
        "earlier batch holds supersedes it; the earlier version is kept.",
        "",
        "A CSV's encoding is decided over the whole file: UTF-8 (with or without a BOM) if all",
        "of it decodes as UTF-8, else GB18030 (a superset of GBK) if all of it decodes so, else",
        "the file is refused (`unknown_encoding`). An Excel workbook is read from its first",
        "sheet, whose first non-empty row is the header; it is refused before parsing when it",
        "would unpack to more than `XYD_EXCEL_MAX_UNPACKED_BYTES` or a member is compressed",
        "suspiciously well (`archive_too_large`), and while parsing when it has data beyond",
        "`XYD_EXCEL_MAX_ROWS` rows or `XYD_EXCEL_MAX_COLUMNS` columns (`spreadsheet_too_large`).",
        "A code (`uscc`) is checked as written: only ASCII spaces at its edges are removed, so",
        "a tab, a NUL or a full-width space makes it malformed. Numbers, dates and counts take",
        "ASCII digits only; full-width digits make a rejected row.",
        "",
    ]
    for contract in CONTRACTS.values():
        parts += _section(contract)
    heading = (
        "| rule | a value breaks it when it | the message people read (after the column name) |"
    )
    parts += ["## Rules", "", heading, "|---|---|---|"]
    parts += [f"| `{rule}` | {text} | {MESSAGES[rule]} |" for rule, text in RULES.items()]
    return "\n".join(parts) + "\n"


def _section(contract: Contract) -> list[str]:
    lines = [
        f"## `{contract.kind}` — {contract.zh}",
        "",
        f"Source: {contract.department}. Key: {' + '.join(f'`{k}`' for k in contract.key)}. "
        f"Stored in {STORAGE_TEXT[contract.storage]}.",
    ]
    if contract.notes:
        lines.append(contract.notes)
    lines += [
        "",
        "| column | 中文 | type | unit | required | rule |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(column) for column in contract.columns]
    return [*lines, ""]


def _row(column: Column) -> str:
    kind = TYPE_TEXT[column.type]
    if column.choices:
        kind += " " + ", ".join(f"`{choice}`" for choice in column.choices)
    limits = []
    if column.maximum is not None:
        limits.append(f"≤ {column.maximum:,.0f}")
    rule = "; ".join(filter(None, [column.rule, *limits]))
    required = "yes" if column.required else "no"
    return f"| `{column.name}` | {column.zh} | {kind} | {column.unit} | {required} | {rule} |"
