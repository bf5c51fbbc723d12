"""How the pages word the monitoring's figures, and the numbers a chart is drawn from.

Amounts in 万元 below one 亿元 and in 亿元 from there, with thousands separators
(1,234.56 万元); shares and rates as percentages; days with one decimal. A chart's numbers are
in the unit its axis names (万元, %), the same figures the table beside it shows.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from app.monitoring.dashboard import Figure, Table
from app.monitoring.registry import Unit

WAN = Decimal(1_000_000)  # fen in 1 万元
YI = Decimal(10_000_000_000)  # fen in 1 亿元
CENT = Decimal("0.01")
AXIS_UNITS = {
    Unit.COUNT: "",
    Unit.FEN: "万元",
    Unit.RATIO: "%",
    Unit.BASIS_POINTS: "%",
    Unit.DAYS: "天",
}


def money(fen: int | Decimal | None) -> str:
    """An amount in fen as 万元, or 亿元 from one 亿元 up: 100000000 → "100.00 万元"."""
    if fen is None:
        return "—"
    wan = (Decimal(fen) / WAN).quantize(CENT, ROUND_HALF_EVEN)
    if abs(wan) >= YI / WAN:  # decided after rounding: never "10,000.00 万元"
        return f"{(Decimal(fen) / YI).quantize(CENT, ROUND_HALF_EVEN):,} 亿元"
    return f"{wan:,} 万元"


def shown(cell: Any) -> str:
    """A table cell as the page shows it."""
    if cell is None:
        return "—"
    if not isinstance(cell, Figure):
        return str(cell)
    return "—" if cell.value is None else _worded(cell.value, cell.unit)


def _worded(value: int | Decimal, unit: Unit) -> str:
    if unit is Unit.FEN:
        return money(value)
    if unit is Unit.RATIO:  # to the figure's own places: a millionth is 0.0001 %
        share = Decimal(value)
        exponent = share.as_tuple().exponent
        places = max(2, -exponent - 2) if isinstance(exponent, int) else 2
        return f"{share * 100:.{places}f}%"
    if unit is Unit.BASIS_POINTS:
        return f"{Decimal(value) / 100:.2f}%"
    if unit is Unit.DAYS:
        return f"{Decimal(value):.1f} 天"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def plotted(cell: Any) -> float | None:
    """A cell as a chart's number, in its axis's unit (万元, %, days, a count)."""
    if not isinstance(cell, Figure) or cell.value is None:
        return None
    value, unit = Decimal(cell.value), cell.unit
    if unit is Unit.FEN:
        value /= WAN
    elif unit is Unit.RATIO:
        value *= 100
    elif unit is Unit.BASIS_POINTS:
        value /= 100
    return float(value.quantize(Decimal("0.0001") if unit is Unit.RATIO else CENT, ROUND_HALF_EVEN))


def chart(table: Table, *, row: int | None = None) -> dict[str, Any] | None:
    """The chart of ``table`` for ECharts: categories, one series per column drawn (or, for a
    table drawn by row, the ``row``'s figures across the groups)."""
    spec = table.chart
    if spec is None or not table.rows:
        return None
    if spec.by_row:
        picked = table.rows[row or 0]
        cells = [picked[n] for n in spec.series]
        units = {c.unit for c in cells if isinstance(c, Figure)}
        return {
            "kind": spec.kind,
            "categories": [table.headers[n] for n in spec.series],
            "series": [{"name": str(picked[spec.category]), "data": [plotted(c) for c in cells]}],
            "unit": AXIS_UNITS[next(iter(units))] if len(units) == 1 else "",
        }
    units = {r[n].unit for r in table.rows for n in spec.series if isinstance(r[n], Figure)}
    return {
        "kind": spec.kind,
        "categories": [str(r[spec.category]) for r in table.rows],
        "series": [
            {"name": table.headers[n], "data": [plotted(r[n]) for r in table.rows]}
            for n in spec.series
        ],
        "unit": AXIS_UNITS[next(iter(units))] if len(units) == 1 else "",
    }
