"""The indicator registry (指标目录): one definition per indicator the finance office watches.

An indicator is a *measure* (an additive integer kept per month and cut: a count, an amount in
fen, a sum of days) or a ratio of two measures. Ratios are summed over the cells asked for first
and divided last, so a ratio for a district, a bank or the whole city is always the ratio of the
totals, never an average of ratios. ``docs/indicators.md`` is generated from this module
(``make docs``) and a test keeps the two equal.

Adding an indicator — the fund's or the objections' when they join the dashboard — is one
``Indicator`` here, over measures that ``app/monitoring/measures.py`` computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Flow(StrEnum):
    """How a measure adds up over time."""

    FLOW = "flow"  # happens in a month (loans disbursed): cumulative = the sum of the months
    STOCK = "stock"  # stands at a month's end (balance outstanding): cumulative = the month's


class Unit(StrEnum):
    COUNT = "count"  # 笔 / 户 / 条
    FEN = "fen"  # an amount, shown in 万元 or 亿元
    RATIO = "ratio"  # a share, shown as a percentage
    BASIS_POINTS = "bp"  # a rate, shown as a percentage with two decimals
    DAYS = "days"


class Direction(StrEnum):
    UP = "up"  # more is better
    DOWN = "down"  # less is better
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Measure:
    code: str
    name: str  # Chinese, as the pages show it
    flow: Flow
    description: str
    # Entered by the office (a denominator from outside the platform) rather than computed:
    # "district" — one figure per district, the city's is their sum; "city" — one for the city.
    entered: str | None = None
    unit: Unit = Unit.COUNT  # of an entered figure: a count, or fen (entered in yuan)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: str  # a measure's code
    denominator: str | None  # a measure's code, or None for a plain measure
    unit: Unit
    direction: Direction
    serves: str  # the SPEC section or plan line it answers
    scale: int = 1  # a ratio of sums × scale: 1 for shares, the rate's own for weighted rates
    # decimal places of the figure where the unit's own are too coarse (a rate whose target is
    # below 0.01 % needs millionths)
    places: Decimal | None = None

    @property
    def formula(self) -> str:
        top = MEASURES[self.numerator].name
        if self.denominator is None:
            return top
        bottom = MEASURES[self.denominator].name
        return f"{top} ÷ {bottom}"


def _measures(*measures: Measure) -> dict[str, Measure]:
    return {measure.code: measure for measure in measures}


MEASURES: dict[str, Measure] = _measures(
    Measure("loans_disbursed", "放款笔数", Flow.FLOW, "loans disbursed in the month"),
    Measure("loans_disbursed_fen", "放款金额", Flow.FLOW, "principal disbursed in the month"),
    Measure(
        "credit_loans", "信用贷款笔数", Flow.FLOW, "loans under pure-credit or credit products"
    ),
    Measure("credit_loans_fen", "信用贷款金额", Flow.FLOW, "their principal"),
    Measure("first_loans", "首贷户笔数", Flow.FLOW, "loans that are the enterprise's first"),
    Measure(
        "rate_weighted_fen",
        "利率加权放款额",
        Flow.FLOW,
        "Σ annual rate (bp) × principal (fen) of the month's loans",
    ),
    Measure(
        "days_to_money",
        "申请到放款天数合计",
        Flow.FLOW,
        "Σ city days from the application to the disbursement, over the month's loans",
    ),
    Measure(
        "balance_fen",
        "贷款余额",
        Flow.STOCK,
        "principal still owed at the month's end: principal less repayments of months up to "
        "it; a defaulted loan's outstanding at default less what was recovered by then",
    ),
    Measure("applications", "融资申请数", Flow.FLOW, "applications submitted in the month"),
    Measure("leads_offered", "推送线索数", Flow.FLOW, "leads offered to a bank in the month"),
    Measure("leads_accepted", "受理数", Flow.FLOW, "leads a bank accepted in the month"),
    Measure("leads_declined", "不予受理数", Flow.FLOW, "leads a bank declined in the month"),
    Measure("leads_approved", "审批通过数", Flow.FLOW, "leads approved in the month"),
    Measure("leads_rejected", "审批未通过数", Flow.FLOW, "leads rejected in the month"),
    Measure(
        "leads_decided",
        "审批决定数",
        Flow.FLOW,
        "leads approved or rejected in the month (a decline is an answer, not a decision)",
    ),
    Measure(
        "whitelist_members", "白名单企业数", Flow.STOCK, "enterprises on the whitelist at month end"
    ),
    Measure("whitelist_joins", "新进白名单数", Flow.FLOW, "enterprises that joined in the month"),
    Measure("whitelist_exits", "退出白名单数", Flow.FLOW, "enterprises that left in the month"),
    Measure(
        "borrowers",
        "获贷企业数",
        Flow.STOCK,
        "enterprises with a platform loan disbursed by the month's end",
    ),
    Measure(
        "credit_balance_fen",
        "信用贷款余额",
        Flow.STOCK,
        "the balance (as balance_fen) of loans under pure-credit or credit products",
    ),
    Measure(
        "market_entities",
        "市场主体数",
        Flow.STOCK,
        "existing market entities including 个体户, entered by the office per district",
        entered="district",
    ),
    Measure(
        "city_enterprise_loans_fen",
        "全市企业贷款余额",
        Flow.STOCK,
        "all banks' enterprise loans in the city, entered by the office",
        entered="city",
        unit=Unit.FEN,
    ),
    Measure(
        "city_enterprise_credit_loans_fen",
        "全市企业信用贷款余额",
        Flow.STOCK,
        "all banks' enterprise credit loans in the city, entered by the office",
        entered="city",
        unit=Unit.FEN,
    ),
    Measure(
        "city_small_micro_credit_loans_fen",
        "全市小微企业信用贷款余额",
        Flow.STOCK,
        "all banks' credit loans to small and micro enterprises in the city, entered",
        entered="city",
        unit=Unit.FEN,
    ),
    Measure("source_rows", "数据行数", Flow.FLOW, "rows of source files read in the month"),
    Measure(
        "uscc_errors",
        "统一社会信用代码错误数",
        Flow.FLOW,
        "of them, rows rejected on the USCC or held because its check character fails",
    ),
    Measure(
        "whitelist_members_with_loan",
        "白名单获贷企业数",
        Flow.STOCK,
        "enterprises on the whitelist at month end with a platform loan disbursed by then",
    ),
)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "platform_loans", "平台放款笔数", "loans_disbursed", None, Unit.COUNT, Direction.UP,
        "SPEC §8; 信易贷 monthly report",
    ),
    Indicator(
        "platform_loan_amount", "平台放款金额", "loans_disbursed_fen", None, Unit.FEN,
        Direction.UP, "SPEC §8; 信易贷 monthly report",
    ),
    Indicator(
        "balance_outstanding", "平台贷款余额", "balance_fen", None, Unit.FEN, Direction.UP,
        "SPEC §8; 信易贷 monthly report",
    ),
    Indicator(
        "credit_loans", "信用贷款笔数", "credit_loans", None, Unit.COUNT, Direction.UP,
        "SPEC §1 (credit loans for 小微)",
    ),
    Indicator(
        "credit_loan_amount", "信用贷款金额", "credit_loans_fen", None, Unit.FEN, Direction.UP,
        "SPEC §1 (credit loans for 小微)",
    ),
    Indicator(
        "credit_loan_share", "信用贷款占比", "credit_loans_fen", "loans_disbursed_fen",
        Unit.RATIO, Direction.UP, "SPEC §1 (enterprise credit loans ≥ 30 % of loans)",
    ),
    Indicator(
        "first_loans", "首贷户数", "first_loans", None, Unit.COUNT, Direction.UP,
        "SPEC §8 (首贷户)",
    ),
    Indicator(
        "average_rate", "平均年利率", "rate_weighted_fen", "loans_disbursed_fen",
        Unit.BASIS_POINTS, Direction.DOWN, "SPEC §8 (cost of credit)",
    ),
    Indicator(
        "days_to_money", "申请到放款平均天数", "days_to_money", "loans_disbursed", Unit.DAYS,
        Direction.DOWN, "SPEC §8 (speed of credit)",
    ),
    Indicator(
        "applications", "融资申请数", "applications", None, Unit.COUNT, Direction.UP,
        "SPEC §8 (funnel)",
    ),
    Indicator(
        "leads_offered", "推送线索数", "leads_offered", None, Unit.COUNT, Direction.UP,
        "SPEC §8 (funnel)",
    ),
    Indicator(
        "leads_accepted", "受理数", "leads_accepted", None, Unit.COUNT, Direction.UP,
        "SPEC §8 (funnel)",
    ),
    Indicator(
        "leads_approved", "审批通过数", "leads_approved", None, Unit.COUNT, Direction.UP,
        "SPEC §8 (funnel)",
    ),
    Indicator(
        "approval_ratio", "审批通过率", "leads_approved", "leads_decided", Unit.RATIO,
        Direction.UP, "SPEC §8 (approval ratio = approved ÷ decided)",
    ),
    Indicator(
        "obtained_ratio", "申请获贷率", "loans_disbursed", "applications", Unit.RATIO,
        Direction.UP, "SPEC §8 (obtained ratio = disbursed ÷ applications)",
    ),
    Indicator(
        "obtained_loan_ratio", "获贷比例", "borrowers", "market_entities", Unit.RATIO,
        Direction.UP, "SPEC §1, §8 (enterprises lent to through the platform ÷ market entities)",
    ),
    Indicator(
        "platform_credit_share", "信易贷信用贷款占全市企业信用贷款比重", "credit_balance_fen",
        "city_enterprise_credit_loans_fen", Unit.RATIO, Direction.UP, "SPEC §1 (≥ 6 %)",
    ),
    Indicator(
        "enterprise_credit_share", "全市企业信用贷款占企业贷款比重",
        "city_enterprise_credit_loans_fen", "city_enterprise_loans_fen", Unit.RATIO,
        Direction.UP, "SPEC §1 (≥ 30 %)",
    ),
    Indicator(
        "small_micro_credit_loans", "全市小微企业信用贷款余额",
        "city_small_micro_credit_loans_fen", None, Unit.FEN, Direction.UP,
        "SPEC §1 (the 500 亿元 target path)",
    ),
    Indicator(
        "uscc_error_rate", "统一社会信用代码错误率", "uscc_errors", "source_rows", Unit.RATIO,
        Direction.DOWN, "SPEC §1 (< 0.01 %)", places=Decimal("0.000001"),
    ),
    Indicator(
        "whitelist_size", "白名单企业数", "whitelist_members", None, Unit.COUNT,
        Direction.NEUTRAL, "SPEC §5",
    ),
    Indicator(
        "whitelist_joins", "新进白名单数", "whitelist_joins", None, Unit.COUNT,
        Direction.NEUTRAL, "SPEC §5",
    ),
    Indicator(
        "whitelist_exits", "退出白名单数", "whitelist_exits", None, Unit.COUNT,
        Direction.NEUTRAL, "SPEC §5",
    ),
    Indicator(
        "whitelist_loan_share", "白名单企业获贷占比", "whitelist_members_with_loan",
        "whitelist_members", Unit.RATIO, Direction.UP, "plan: > 20 % of whitelist firms lent to",
    ),
)  # fmt: skip

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
# The cuts every measure cell carries; '' where a measure has no value for one (an application
# names no bank until it is matched).
CUTS: tuple[str, ...] = ("district", "industry_section", "lender_code", "product_type")
CUT_NAMES = {
    "district": "区县",
    "industry_section": "行业门类",
    "lender_code": "银行",
    "product_type": "产品类型",
}


def render_markdown() -> str:
    """``docs/indicators.md``: every indicator with its formula, unit, direction and source."""
    lines = [
        "# Indicators (监测指标)",
        "",
        "Generated from `app/monitoring/registry.py` by `make docs`; a test keeps it equal.",
        "A ratio is the sum of its numerator over the cells asked for ÷ the sum of its",
        "denominator: a district's or a bank's ratio is the ratio of its totals.",
        "",
        "| code | 指标 | formula | unit | better | serves |",
        "|---|---|---|---|---|---|",
    ]
    for indicator in INDICATORS:
        lines.append(
            f"| `{indicator.code}` | {indicator.name} | {indicator.formula} | "
            f"{indicator.unit.value} | {indicator.direction.value} | {indicator.serves} |"
        )
    lines += [
        "",
        "## Measures (度量)",
        "",
        "Each measure is an integer kept per city month (Asia/Shanghai) and per cut "
        f"({', '.join(CUTS)}).",
        "",
        "| code | 度量 | over time | source | what is counted |",
        "|---|---|---|---|---|",
    ]
    for measure in MEASURES.values():
        source = f"entered per {measure.entered}" if measure.entered else "computed"
        lines.append(
            f"| `{measure.code}` | {measure.name} | {measure.flow.value} | {source} | "
            f"{measure.description} |"
        )
    return "\n".join(lines) + "\n"
