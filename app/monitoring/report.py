"""The dashboard's tables as Excel: one table's export, and the monthly report (月度监测报告)
with every sheet — targets, indicators, funnel, whitelist, each cut, the bank league, the
trend.

Written through ``app.core.exports``, which makes every text cell inert (a district, a bank or
a note starting with ``=`` stays text). A figure is written as a number in the unit its column
(or the row's 单位) names: 万元 for amounts, percentages for shares and rates, days, counts.
The report's export is audited, as the whitelist's is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import to_local, utcnow
from app.core.exports import XLSX_MEDIA_TYPE, Book
from app.monitoring import dashboard, repository
from app.monitoring.dashboard import UNIT_NAMES, Figure, Table
from app.monitoring.registry import CUTS, Unit

MEDIA_TYPE = XLSX_MEDIA_TYPE
WAN_FEN = Decimal(1_000_000)  # 1 万元 = 10,000 yuan = 1,000,000 fen


@dataclass(frozen=True)
class Report:
    filename: str
    content: bytes
    sheets: list[str]


def number(figure: Figure) -> int | Decimal | None:
    """A figure as the workbook writes it: 万元, a percentage, days or a count."""
    value, unit = figure
    if value is None:
        return None
    if unit is Unit.FEN:
        return Decimal(value) / WAN_FEN
    if unit is Unit.RATIO:
        return Decimal(value) * 100
    if unit is Unit.BASIS_POINTS:
        return Decimal(value) / 100
    return value


def _units(cells: Sequence[Any]) -> set[Unit]:
    return {cell.unit for cell in cells if isinstance(cell, Figure)}


def add_sheet(book: Book, table: Table, *, title: str | None = None) -> None:
    """``table`` as a sheet: a column of one unit says it in its header, else each row's
    unit is its own 单位 column."""
    columns = list(zip(*table.rows, strict=True)) if table.rows else []
    shared = [_units(column) for column in columns]
    headers = [
        f"{header}（{UNIT_NAMES[next(iter(units))]}）" if len(units) == 1 else header
        for header, units in zip(table.headers, shared or [set()] * len(table.headers), strict=True)
    ]
    mixed = [n for n, units in enumerate(shared) if len(units) > 1]
    if mixed:
        headers.insert(1, "单位")
    sheet = book.sheet(
        (title or table.title)[:31],
        headers=headers,
        widths=(28, *([14] * len(headers))),
        notes=[f"{table.title}：{table.note}" if table.note else table.title],
    )
    for row in table.rows:
        cells = [number(cell) if isinstance(cell, Figure) else cell for cell in row]
        if mixed:
            units = _units([row[n] for n in mixed])
            cells.insert(1, "、".join(sorted(UNIT_NAMES[u] for u in units)) or None)
        sheet.append(cells)


def table_workbook(table: Table) -> bytes:
    """One dashboard table as a workbook of one sheet."""
    book = Book()
    add_sheet(book, table)
    return book.to_bytes()


def monthly(session: Session, *, month: str, actor: Actor) -> Report:
    """The report for ``month`` (already parsed): every sheet, and the export audited."""
    refreshed = repository.last_refresh(session)
    made = to_local(utcnow()).strftime("%Y-%m-%d %H:%M")
    basis = to_local(refreshed.made_at).strftime("%Y-%m-%d %H:%M") if refreshed else "尚未重算"
    tables = [
        dashboard.target_table(session, month=month),
        dashboard.indicator_table(session, month=month),
        dashboard.funnel_table(session, month=month),
        dashboard.whitelist_table(session, month=month),
        *(dashboard.breakdown_table(session, month=month, by=cut) for cut in CUTS),
        dashboard.league_table(session, month=month),
        dashboard.all_trends_table(session, month=month),
    ]
    book = Book()
    cover = book.sheet("说明", headers=["项目", "内容"], widths=(16, 60))
    for line in (
        ("报告月份", month),
        ("生成时间", f"{made}（北京时间）"),
        ("指标重算时间", f"{basis}（北京时间）"),
        ("工作表", "、".join(t.title for t in tables)),
    ):
        cover.append(line)
    for table in tables:
        add_sheet(book, table)
    audit_service.record(
        session,
        actor=actor,
        action="monitoring.report.exported",
        subject_type="monitoring",
        subject_id=month,
        detail={"sheets": len(tables) + 1},
    )
    return Report(
        filename=f"monitoring-{month}.xlsx",
        content=book.to_bytes(),
        sheets=["说明", *(t.title for t in tables)],
    )
