"""The finance office's dashboard (监测看板) as tables: what the pages draw and show, what each
table's Excel export and the monthly report workbook hold. One place builds them, so a page, its
export and the report can never disagree.

Every table is read from the cells of the last rebuild through ``values.series`` and
``targets.standing``, for one city month (``as_of``). A figure stays in its indicator's own
scale (:class:`Figure`: fen, a ratio, basis points, tenths of a day); the pages word it (万元 /
亿元, percentages) and the workbook writes it as a number in the unit its column names. The
tables walk the registry, so an indicator added there shows here with no change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from sqlmodel import Session

from app.applications.models import PRODUCT_TYPE_LABELS
from app.core.clock import utcnow
from app.enterprises.divisions import district_name
from app.enterprises.industry import SECTIONS
from app.monitoring import league, repository, targets, values
from app.monitoring.exceptions import BadMonths, UnknownIndicator
from app.monitoring.measures import city_month, months_between
from app.monitoring.registry import BY_CODE, CUT_NAMES, CUTS, INDICATORS, MEASURES, Indicator, Unit
from lenders.institutions import service as lender_service
from lenders.leads.models import DECLINE_REASON_LABELS

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")  # ASCII digits only (\d takes every script's)
FIRST_YEAR = 2000
TREND_MONTHS = 12
# The funnel's stages, in the order a need travels (measures, so declines and rejections show).
FUNNEL = (
    ("applications", "融资申请"),
    ("leads_offered", "推送银行"),
    ("leads_accepted", "银行受理"),
    ("leads_declined", "不予受理"),
    ("leads_approved", "审批通过"),
    ("leads_rejected", "审批未通过"),
    ("loans_disbursed", "放款"),
    ("first_loans", "其中首贷户"),
)
FUNNEL_RATIOS = ("approval_ratio", "obtained_ratio")
FUNNEL_NOTE = "审批通过率 = 审批通过 ÷ (审批通过 + 审批未通过)，申请获贷率 = 放款 ÷ 融资申请"
WHITELIST = ("whitelist_size", "whitelist_joins", "whitelist_exits", "whitelist_loan_share")
LEAGUE_NOTE = "按时率高者在前，其次响应中位数短者、审批通过率高者；工作分钟为工作日 09:00–17:00"
UNIT_NAMES = {
    Unit.COUNT: "个",
    Unit.FEN: "万元",
    Unit.RATIO: "%",
    Unit.BASIS_POINTS: "%",
    Unit.DAYS: "天",
}


class Figure(NamedTuple):
    """A figure in its indicator's own scale, with the unit that says how to word it."""

    value: int | Decimal | None
    unit: Unit


@dataclass(frozen=True)
class Chart:
    """How a table is drawn: categories from one column, one series per value column."""

    kind: str  # "bar" | "line"
    category: int  # the column the categories come from
    series: tuple[int, ...]  # the columns drawn
    by_row: bool = False  # a row is a series (categories from the headers after ``category``)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]  # each cell: text, an int, a Figure or None
    note: str = ""
    chart: Chart | None = None
    keys: list[str] = field(default_factory=list)  # a stable key per row, for the pages' ids


def parse_month(text: str | None, *, today: str | None = None) -> str:
    """The month ``YYYY-MM`` (default: the city's current one); a malformed month or one not
    yet begun is refused with a Chinese message."""
    current = today or city_month(utcnow())
    if text is None or text == "":
        return current
    if not _MONTH.fullmatch(text) or int(text[:4]) < FIRST_YEAR:
        raise BadMonths(f"月份 {text[:20]!r} 有误，请按 YYYY-MM 填写，如 2026-11", field="month")
    if text > current:
        raise BadMonths(f"{text} 尚未开始，只能查看 {current} 及以前的月份", field="month")
    return text


def check_cut(by: str) -> str:
    if by not in CUTS:
        raise UnknownIndicator(f"没有 {by[:20]!r} 这种分组", field="by")
    return by


def check_code(code: str) -> str:
    if code not in BY_CODE:
        raise UnknownIndicator(f"没有 {code[:40]!r} 这个指标", field="code")
    return code


def trailing(month: str, count: int = TREND_MONTHS) -> list[str]:
    """The ``count`` months ending with ``month``."""
    first = month
    for _ in range(count - 1):
        first = values.month_before(first)
    return months_between(first, month)


def absent(indicator: Indicator) -> int | None:
    """What a group with no cells of the indicator has: none of a count or an amount, but no
    ratio, and no share of a figure the office enters for the city alone."""
    if indicator.denominator is not None or MEASURES[indicator.numerator].entered == "city":
        return None
    return 0


def _figure(code: str, value: int | Decimal | None) -> Figure:
    return Figure(value, BY_CODE[code].unit)


def _one(session: Session, code: str, month: str, *, cumulative: bool = False) -> values.Point:
    found = values.series(session, code=code, first=month, last=month, cumulative=cumulative)
    return found.points[0]


def target_table(session: Session, *, month: str) -> Table:
    """目标达成: every target in force judged at ``month`` with its straight-line pace."""
    rows, keys = [], []
    for status in targets.standing(session, month=month):
        code, unit = status.indicator.code, status.indicator.unit
        place = district_name(status.target.district) if status.target.district else "全市"
        rows.append(
            [
                status.indicator.name,
                place,
                status.target.start_month,
                status.target.due_month,
                Figure(_in_scale(status.target_value, unit), unit),
                Figure(_in_scale(status.expected, unit), unit)
                if status.expected is not None
                else None,
                Figure(status.actual, unit),
                status.label,
            ]
        )
        keys.append(f"{code}-{status.target.district or 'city'}")
    return Table(
        "targets",
        "目标达成",
        ["指标", "区域", "起始月份", "目标月份", "目标", "进度线（按直线）", "实际", "状态"],
        rows,
        note=f"{month} 月末，按最近一次指标重算；流量指标自起始月份累计，存量指标取月末数",
        keys=keys,
    )


def _in_scale(value: Decimal | None, unit: Unit) -> int | Decimal | None:
    """A target or a pace as the values have it: a count or fen (whole) as an int."""
    if value is None:
        return None
    return int(value) if unit in (Unit.COUNT, Unit.FEN) and value == int(value) else value


def indicator_table(session: Session, *, month: str) -> Table:
    """指标总览: every indicator of the registry, the month's figure, its growth and the sum
    since the platform's first month (a stock's stands at the month's end)."""
    rows = []
    for indicator in INDICATORS:
        point = _one(session, indicator.code, month)
        total = _one(session, indicator.code, month, cumulative=True)
        rows.append(
            [
                indicator.name,
                Figure(point.value, indicator.unit),
                Figure(point.growth, Unit.RATIO),
                Figure(total.value, indicator.unit),
                indicator.formula,
            ]
        )
    return Table(
        "indicators",
        "指标总览",
        ["指标", "当月", "月环比", "累计", "口径"],
        rows,
        note=f"{month}；累计自平台首月起（存量指标为月末数）",
        keys=[indicator.code for indicator in INDICATORS],
    )


def funnel_table(session: Session, *, month: str) -> Table:
    """融资对接漏斗: how many needs reached each stage in the month and in all, and the ratios."""
    codes = [code for code, _label in FUNNEL]
    monthly = _measure_sums(session, codes, first=month, last=month)
    overall = _measure_sums(session, codes, first=values.EARLIEST, last=month)
    rows: list[list[Any]] = [
        [label, Figure(monthly[code], Unit.COUNT), Figure(overall[code], Unit.COUNT)]
        for code, label in FUNNEL
    ]
    for code in FUNNEL_RATIOS:
        point, total = _one(session, code, month), _one(session, code, month, cumulative=True)
        rows.append([BY_CODE[code].name, _figure(code, point.value), _figure(code, total.value)])
    return Table(
        "funnel",
        "融资对接漏斗",
        ["环节", "当月", "累计"],
        rows,
        note=f"{month}；{FUNNEL_NOTE}",
        chart=Chart("bar", 0, (1, 2)),
        keys=[*codes, *FUNNEL_RATIOS],
    )


def _measure_sums(
    session: Session, codes: Sequence[str], *, first: str, last: str
) -> dict[str, int]:
    sums = dict.fromkeys(codes, 0)
    for measure, _month, _group, total in repository.cell_sums(
        session, measures=codes, first=first, last=last, by=None, where={}
    ):
        sums[measure] += int(total)
    return sums


def whitelist_table(session: Session, *, month: str) -> Table:
    """白名单成效: size, joins, exits and the share lent to, month by month to ``month``."""
    months = trailing(month)
    columns = {
        code: values.series(session, code=code, first=months[0], last=month).points
        for code in WHITELIST
    }
    share = columns["whitelist_loan_share"]
    rows = [
        [
            m,
            *(_figure(code, columns[code][i].value) for code in WHITELIST[:3]),
            Figure(share[i].numerator, Unit.COUNT),
            _figure("whitelist_loan_share", share[i].value),
        ]
        for i, m in enumerate(months)
    ]
    return Table(
        "whitelist",
        "白名单成效",
        ["月份", "白名单企业数", "新进", "退出", "其中获贷企业", "获贷占比"],
        rows,
        note=f"截至 {month} 的 {len(months)} 个月；企业数为月末数",
        chart=Chart("line", 0, (1, 2, 3)),
        keys=months,
    )


def breakdown_table(session: Session, *, month: str, by: str, cumulative: bool = False) -> Table:
    """分项: every indicator by the groups of one cut (district, industry, bank, product type),
    with the city's figure beside them."""
    check_cut(by)
    found: dict[str, dict[str, int | Decimal | None]] = {}
    for indicator in INDICATORS:
        points = values.series(
            session, code=indicator.code, first=month, last=month, by=by, cumulative=cumulative
        ).points
        found[indicator.code] = {p.group: p.value for p in points}
    groups = sorted({g for by_group in found.values() for g in by_group if g})
    names = group_names(session, by, groups)
    rows = []
    for indicator in INDICATORS:
        city = _one(session, indicator.code, month, cumulative=cumulative).value
        rows.append(
            [
                indicator.name,
                *(
                    Figure(found[indicator.code].get(g, absent(indicator)), indicator.unit)
                    for g in groups
                ),
                Figure(city, indicator.unit),
            ]
        )
    what = "累计" if cumulative else "当月"
    return Table(
        f"by_{by}",
        f"按{CUT_NAMES[by]}",
        [f"指标 \\ {CUT_NAMES[by]}", *(names[g] for g in groups), "全市"],
        rows,
        note=f"{month}，{what}；比率为各组分子之和 ÷ 分母之和",
        keys=[i.code for i in INDICATORS],
        chart=Chart("bar", 0, tuple(range(1, len(groups) + 1)), by_row=True),
    )


def group_names(session: Session, by: str, groups: Sequence[str]) -> dict[str, str]:
    """How people name each group of a cut: the district's name, the section's, the bank's."""
    if by == "district":
        return {g: district_name(g) for g in groups}
    if by == "industry_section":
        return {g: f"{g} {SECTIONS[g].name}" if g in SECTIONS else g for g in groups}
    if by == "lender_code":
        known = lender_service.names(session, codes=list(groups))
        return {g: known.get(g, g) for g in groups}
    labels = {str(key.value): label for key, label in PRODUCT_TYPE_LABELS.items()}
    return {g: labels.get(g, g) for g in groups}


def trend_table(
    session: Session, *, month: str, code: str, by: str | None = None, months: int = TREND_MONTHS
) -> Table:
    """趋势: one indicator month by month to ``month``; cut ``by``, one column per group."""
    indicator = BY_CODE[check_code(code)]
    shown = trailing(month, months)
    if by is None:
        points = values.series(session, code=code, first=shown[0], last=month).points
        totals = values.series(session, code=code, first=shown[0], last=month, cumulative=True)
        rows = [
            [
                p.month,
                Figure(p.value, indicator.unit),
                Figure(p.growth, Unit.RATIO),
                Figure(t.value, indicator.unit),
            ]
            for p, t in zip(points, totals.points, strict=True)
        ]
        headers = ["月份", "当月", "月环比", "累计"]
        chart = Chart("line", 0, (1,))
    else:
        check_cut(by)
        series = values.series(session, code=code, first=shown[0], last=month, by=by).points
        groups = sorted({p.group for p in series if p.group})
        names = group_names(session, by, groups)
        cell = {(p.group, p.month): p.value for p in series}
        none = absent(indicator)
        rows = [
            [m, *(Figure(cell.get((g, m), none), indicator.unit) for g in groups)] for m in shown
        ]
        headers = ["月份", *(names[g] for g in groups)]
        chart = Chart("line", 0, tuple(range(1, len(groups) + 1)))
    cut = f"，按{CUT_NAMES[by]}" if by else ""
    return Table(
        "trend",
        f"{indicator.name}趋势",
        headers,
        rows,
        note=f"截至 {month} 的 {len(shown)} 个月{cut}",
        chart=chart,
        keys=shown,
    )


def all_trends_table(session: Session, *, month: str) -> Table:
    """Every indicator's monthly figure over the trailing months, one column each."""
    shown = trailing(month)
    columns = [
        values.series(session, code=i.code, first=shown[0], last=month).points for i in INDICATORS
    ]
    pairs = list(zip(columns, INDICATORS, strict=True))
    rows = [
        [m, *(Figure(points[n].value, i.unit) for points, i in pairs)] for n, m in enumerate(shown)
    ]
    return Table(
        "trends",
        "趋势",
        ["月份", *(i.name for i in INDICATORS)],
        rows,
        note=f"截至 {month} 的 {len(shown)} 个月，各指标当月数（存量为月末数）",
        keys=shown,
    )


def league_table(session: Session, *, month: str) -> Table:
    """银行排行榜: each bank's answers in time, response times in office minutes, deadline
    breaches, approval ratio and decline reasons, best first (``league.py`` orders it)."""
    reasons = {str(reason.value): label for reason, label in DECLINE_REASON_LABELS.items()}
    rows, keys = [], []
    for entry in league.table(session, month=month):
        row = entry.row
        declines = "；".join(
            f"{reasons.get(code, code)} {count}" for code, count in row.declines.items()
        )
        rows.append(
            [
                entry.rank,
                entry.lender_name,
                Figure(row.offered, Unit.COUNT),
                Figure(row.answered, Unit.COUNT),
                Figure(row.answered_in_time, Unit.COUNT),
                Figure(entry.in_time_share, Unit.RATIO),
                row.median_response_minutes,
                row.p90_response_minutes,
                Figure(row.breaches, Unit.COUNT),
                Figure(entry.approval_ratio, Unit.RATIO),
                declines or None,
            ]
        )
        keys.append(entry.lender_code)
    return Table(
        "league",
        "银行排行榜",
        ["名次", "银行", "推送线索", "答复", "按时答复", "按时率", "响应中位数（工作分钟）",
         "响应 P90（工作分钟）", "超时", "审批通过率", "不予受理原因"],
        rows,
        note=f"{month}；{LEAGUE_NOTE}",
        chart=Chart("bar", 1, (5,)),
        keys=keys,
    )  # fmt: skip
