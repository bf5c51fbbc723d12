"""An indicator's values by month (and by one cut), read from the cells, never the source rows.

A ratio is Σ numerator ÷ Σ denominator over the cells asked for. ``cumulative`` sums a flow
measure from the first month the platform holds through each month asked for (a stock measure
stands at each month's end and is shown as it is). Each month's ``growth`` is the change on the
month before (月环比), as a ratio, where that month had a value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from sqlmodel import Session

from app.monitoring import repository
from app.monitoring.exceptions import BadMonths, UnknownIndicator
from app.monitoring.measures import months_between
from app.monitoring.registry import BY_CODE, CUTS, MEASURES, Flow, Indicator, Unit

EARLIEST = "0000-01"
PLACES = {Unit.RATIO: Decimal("0.0001"), Unit.BASIS_POINTS: Decimal("0.01"),
          Unit.DAYS: Decimal("0.1")}  # fmt: skip


@dataclass(frozen=True)
class Point:
    month: str
    group: str  # the cut's value ('' when not cut, or a cell without it)
    numerator: int
    denominator: int | None
    value: int | Decimal | None  # None: a ratio over nothing
    growth: Decimal | None


@dataclass(frozen=True)
class Series:
    indicator: Indicator
    by: str | None
    cumulative: bool
    points: list[Point]


def series(
    session: Session, *, code: str, first: str, last: str, by: str | None = None,
    where: dict[str, str] | None = None, cumulative: bool = False,
) -> Series:  # fmt: skip
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise UnknownIndicator(f"no indicator {code!r}")
    if first > last:
        raise BadMonths(f"the first month {first} is after the last {last}")
    if by is not None and by not in CUTS:
        raise UnknownIndicator(f"no cut {by!r}")
    wanted = [indicator.numerator] + ([indicator.denominator] if indicator.denominator else [])
    from_month = EARLIEST if cumulative else month_before(first)
    sums: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(wanted, 0))
    for measure, month, group, total in repository.cell_sums(
        session, measures=wanted, first=from_month, last=last, by=by, where=where or {}
    ):
        sums[(str(group), month)][measure] = int(total)
    groups = sorted({group for group, _month in sums}) or [""]
    points = []
    for group in groups:
        running = dict.fromkeys(wanted, 0)
        previous: int | Decimal | None = None
        held = sorted(month for g, month in sums if g == group)
        start = min([first, *held])
        for month in months_between(start, last):
            figures = sums.get((group, month), dict.fromkeys(wanted, 0))
            for measure in wanted:
                if cumulative and MEASURES[measure].flow is Flow.FLOW:
                    running[measure] += figures[measure]
                else:
                    running[measure] = figures[measure]
            value = _value(indicator, running)
            if month >= first:
                points.append(_point(indicator, month, group, running, value, previous))
            previous = value
    return Series(indicator=indicator, by=by, cumulative=cumulative, points=points)


def _value(indicator: Indicator, figures: dict[str, int]) -> int | Decimal | None:
    bottom = figures[indicator.denominator] if indicator.denominator else 0
    return quotient(indicator, figures[indicator.numerator], bottom)


def quotient(indicator: Indicator, top: int, bottom: int) -> int | Decimal | None:
    """The indicator's figure for these sums: the numerator itself, or the ratio of the sums
    (None over nothing)."""
    if indicator.denominator is None:
        return top
    if bottom == 0:
        return None
    quotient = Decimal(top * indicator.scale) / Decimal(bottom)
    places = indicator.places or PLACES.get(indicator.unit, Decimal("0.0001"))
    return quotient.quantize(places, ROUND_HALF_EVEN)


def _point(
    indicator: Indicator, month: str, group: str, figures: dict[str, int],
    value: int | Decimal | None, previous: int | Decimal | None,
) -> Point:  # fmt: skip
    growth = None
    if value is not None and previous:
        growth = ((Decimal(value) - Decimal(previous)) / Decimal(previous)).quantize(
            Decimal("0.0001"), ROUND_HALF_EVEN
        )
    return Point(
        month=month,
        group=group,
        numerator=figures[indicator.numerator],
        denominator=figures[indicator.denominator] if indicator.denominator else None,
        value=value,
        growth=growth,
    )


def month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"
