"""How the pages word the monitoring's figures, and a chart's numbers in its axis's unit."""

from __future__ import annotations

from decimal import Decimal

from app.monitoring.dashboard import Chart, Figure, Table
from app.monitoring.registry import Unit
from app.pages.figures import chart, money, shown


def test_amounts_are_in_wan_below_one_yi_and_in_yi_from_there() -> None:
    assert money(0) == "0.00 万元"
    assert money(100_000_000) == "100.00 万元"  # 1,000,000 yuan
    assert money(9_999_990_000) == "9,999.99 万元"
    assert money(9_999_999_999) == "1.00 亿元"  # rounds to one 亿元: said in 亿元
    assert money(10_000_000_000) == "1.00 亿元"
    assert money(5_000_000_000_000) == "500.00 亿元"  # the 2025 plan's 500 亿
    assert money(123_456_789_012_345) == "12,345.68 亿元"
    assert money(None) == "—"


def test_each_unit_is_worded_as_people_read_it() -> None:
    assert shown(Figure(1234, Unit.COUNT)) == "1,234"
    assert shown(Figure(Decimal("52000"), Unit.COUNT)) == "52,000"
    assert shown(Figure(Decimal("0.0385"), Unit.RATIO)) == "3.85%"
    assert shown(Figure(Decimal("-0.0385"), Unit.RATIO)) == "-3.85%"
    assert shown(Figure(Decimal("0.000133"), Unit.RATIO)) == "0.0133%"  # the USCC error rate
    assert shown(Figure(Decimal("433.33"), Unit.BASIS_POINTS)) == "4.33%"
    assert shown(Figure(Decimal("22.0"), Unit.DAYS)) == "22.0 天"
    assert shown(Figure(None, Unit.RATIO)) == "—" and shown(None) == "—"
    assert shown("吴兴区") == "吴兴区"


def test_a_chart_has_the_table_s_numbers_in_its_axis_unit() -> None:
    table = Table(
        "t", "表", ["月份", "余额", "占比"],
        [["2026-10", Figure(90_000_000, Unit.FEN), Figure(Decimal("0.5"), Unit.RATIO)],
         ["2026-11", Figure(130_000_000, Unit.FEN), Figure(None, Unit.RATIO)]],
        chart=Chart("line", 0, (1,)),
    )  # fmt: skip
    assert chart(table) == {
        "kind": "line", "categories": ["2026-10", "2026-11"], "unit": "万元",
        "series": [{"name": "余额", "data": [90.0, 130.0]}],
    }  # fmt: skip
    both = Table(table.key, table.title, table.headers, table.rows, chart=Chart("line", 0, (1, 2)))
    drawn = chart(both)
    assert drawn is not None and drawn["unit"] == ""  # two units: the axis names none
    assert drawn["series"][1]["data"] == [50.0, None]  # no figure is a gap, not a zero
