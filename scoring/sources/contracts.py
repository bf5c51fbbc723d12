"""Data contracts: what every source department sends, column by column.

One declaration per source; the validation layer (``validation.py``) enforces it and
``docs/data-contracts.md`` is generated from it, so the rules are written down once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Type(StrEnum):
    """How a column is written in a file and kept in storage."""

    TEXT = "text"
    USCC = "uscc"  # GB 32100-2015 code
    DATE = "date"  # YYYY-MM-DD
    MONTH = "month"  # YYYY-MM
    YEAR = "year"  # YYYY
    MONEY = "money"  # yuan, at most two decimals; stored as integer fen
    QUANTITY = "quantity"  # a physical measure (kWh, m³): non-negative decimal
    COUNT = "count"  # a non-negative integer
    ENUM = "enum"
    BOOL = "bool"  # true/false (also 1/0, 是/否)


@dataclass(frozen=True)
class Column:
    name: str
    type: Type
    zh: str
    required: bool = True
    unit: str = ""
    choices: tuple[str, ...] = ()
    maximum: float | None = None  # above this a value is absurd, not merely large
    minimum: float | None = None
    rule: str = ""  # anything beyond the type, for people
    may_be_future: bool = False  # dates only: e.g. the end of a publicity period still running
    # A column added to a contract after departments began sending it: their files may leave it
    # out, and it is read as empty. Optional columns only.
    may_be_absent: bool = False


@dataclass(frozen=True)
class Contract:
    """One kind of source file."""

    kind: str
    zh: str
    department: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    storage: str  # "registry", "events" (database) or "parquet"
    notes: str = ""
    checks: tuple[str, ...] = field(default=())  # cross-column checks, see validation.py

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


USCC = Column(
    "uscc",
    Type.USCC,
    "统一社会信用代码",
    rule="GB 32100-2015; a failing check character is held for review",
)
MONTH = Column("month", Type.MONTH, "所属月份", rule="not after the load month, not before 2000-01")
MAX_MONEY = 1e13  # 10 万亿元: above this a figure is an error

ENTITY_TYPES = ("enterprise", "individual_business", "farmers_cooperative")
STATUSES = ("active", "deregistered", "revoked")
EVENT_KINDS = (
    "administrative_penalty",
    "licence",
    "red_list",
    "serious_dishonesty",
    "dishonest_debtor",
    "abnormal_operation",
    "credit_commitment",
    "commitment_breach",
)
# The public credit lists (名单) that can bar an enterprise from credit: the whitelist's policy
# chooses among these (whitelist.models.DISQUALIFYING_LISTS), and a record on one is judged at once.
ADVERSE_LISTS = ("serious_dishonesty", "dishonest_debtor", "abnormal_operation")
IP_KINDS = ("invention_patent", "utility_model", "design_patent", "trademark", "ip_pledge")


def money(name: str, zh: str, *, required: bool = False, rule: str = "") -> Column:
    return Column(
        name, Type.MONEY, zh, required=required, unit="元", minimum=0, maximum=MAX_MONEY, rule=rule
    )


def count(name: str, zh: str, *, maximum: float, unit: str = "", required: bool = False) -> Column:
    return Column(name, Type.COUNT, zh, required=required, unit=unit, minimum=0, maximum=maximum)


def quantity(name: str, zh: str, *, unit: str, maximum: float) -> Column:
    return Column(name, Type.QUANTITY, zh, required=False, unit=unit, minimum=0, maximum=maximum)


REGISTRATION = Contract(
    kind="registration",
    zh="企业登记信息",
    department="市场监管局",
    key=("uscc",),
    storage="registry",
    columns=(
        USCC,
        Column("name", Type.TEXT, "企业名称", rule="2–200 characters"),
        Column("entity_type", Type.ENUM, "主体类型", choices=ENTITY_TYPES),
        Column("status", Type.ENUM, "登记状态", choices=STATUSES),
        Column("registration_date", Type.DATE, "成立日期", rule="not in the future"),
        money("registered_capital_yuan", "注册资本"),
        Column("industry_section", Type.TEXT, "行业门类", rule="GB/T 4754 section A–T"),
        Column(
            "industry_division", Type.TEXT, "行业大类", rule="GB/T 4754 division of that section"
        ),
        Column(
            "district", Type.TEXT, "所属区县", rule="a district of the city (XYD_CITY_DISTRICTS)"
        ),
        count("headcount", "从业人数", maximum=1_000_000, unit="人"),
        money("annual_revenue_yuan", "年营业收入"),
        Column(
            "legal_representative",
            Type.TEXT,
            "法定代表人",
            rule="stored masked and as a keyed digest",
        ),
        Column(
            "contact_phone",
            Type.TEXT,
            "企业联系电话",
            required=False,
            may_be_absent=True,
            rule="a mainland mobile number (11 digits, 1[3-9]…); registration codes go here; "
            "shown masked",
        ),
    ),
    notes="Loads into the enterprise registry; a later row for the same code updates the entity.",
)

PUBLIC_CREDIT_EVENTS = Contract(
    kind="public_credit_events",
    zh="公共信用信息（双公示、名单）",
    department="各部门（经信用平台归集）",
    key=("event_id",),
    storage="events",
    columns=(
        Column("event_id", Type.TEXT, "信息编号", rule="the source's own id, unique per event"),
        USCC,
        Column("kind", Type.ENUM, "信息类别", choices=EVENT_KINDS),
        Column("event_date", Type.DATE, "决定/认定日期", rule="not in the future"),
        Column("department", Type.TEXT, "来源部门"),
        Column("publicity_start", Type.DATE, "公示开始日期", required=False),
        Column(
            "publicity_end",
            Type.DATE,
            "公示截止日期",
            required=False,
            rule="not before the start; may lie in the future",
            may_be_future=True,
        ),
        money("amount_yuan", "处罚金额"),
        Column(
            "severity",
            Type.ENUM,
            "严重程度",
            required=False,
            choices=("minor", "general", "serious"),
        ),
        Column("repaired", Type.BOOL, "已信用修复", required=False),
        Column("removed", Type.BOOL, "已移出名单", required=False),
    ),
    checks=("publicity_end_after_start",),
)

UTILITY_MONTHLY = Contract(
    kind="utility_monthly",
    zh="水电气月度数据",
    department="供电公司、水务集团、燃气公司",
    key=("uscc", "month"),
    storage="parquet",
    columns=(
        USCC,
        MONTH,
        quantity("electricity_kwh", "用电量", unit="千瓦时", maximum=1e10),
        quantity("water_m3", "用水量", unit="立方米", maximum=1e9),
        quantity("gas_m3", "用气量", unit="立方米", maximum=1e9),
        money("billed_yuan", "应缴费用"),
        money("arrears_yuan", "欠费金额"),
    ),
)

TAX_MONTHLY = Contract(
    kind="tax_monthly",
    zh="纳税月度数据",
    department="税务局",
    key=("uscc", "month"),
    storage="parquet",
    columns=(
        USCC,
        MONTH,
        money("tax_paid_yuan", "实缴税额"),
        money("invoiced_sales_yuan", "开票销售额"),
        money("arrears_yuan", "欠税金额"),
    ),
)

TAX_GRADE = Contract(
    kind="tax_grade",
    zh="纳税信用等级",
    department="税务局",
    key=("uscc", "year"),
    storage="parquet",
    columns=(
        USCC,
        Column("year", Type.YEAR, "评价年度", rule="2000 to last year"),
        Column("grade", Type.ENUM, "纳税信用等级", choices=("A", "B", "M", "C", "D")),
    ),
    notes="Published each April for the previous year.",
)

SOCIAL_SECURITY_MONTHLY = Contract(
    kind="social_security_monthly",
    zh="社保月度数据",
    department="人社局",
    key=("uscc", "month"),
    storage="parquet",
    columns=(
        USCC,
        MONTH,
        count("insured_headcount", "参保人数", maximum=1_000_000, unit="人"),
        money("contributions_due_yuan", "应缴金额"),
        money("contributions_paid_yuan", "实缴金额"),
        count("months_in_arrears", "欠缴月数", maximum=600, unit="月"),
    ),
)

HOUSING_FUND_MONTHLY = Contract(
    kind="housing_fund_monthly",
    zh="公积金月度数据",
    department="住房公积金中心",
    key=("uscc", "month"),
    storage="parquet",
    columns=(
        USCC,
        MONTH,
        count("headcount", "缴存人数", maximum=1_000_000, unit="人"),
        money("contributions_yuan", "缴存金额"),
    ),
)

INTELLECTUAL_PROPERTY = Contract(
    kind="intellectual_property",
    zh="知识产权",
    department="市场监管局（知识产权局）",
    key=("record_id",),
    storage="parquet",
    columns=(
        Column("record_id", Type.TEXT, "记录编号"),
        USCC,
        Column("kind", Type.ENUM, "类别", choices=IP_KINDS),
        Column("granted_date", Type.DATE, "授权/登记日期", rule="not in the future"),
        money("pledge_amount_yuan", "质押金额", rule="for ip_pledge only"),
    ),
)

LOAN_OUTCOMES = Contract(
    kind="loan_outcomes",
    zh="贷款结果（银行报送）",
    department="合作银行",
    key=("loan_id", "report_month"),
    storage="parquet",
    columns=(
        Column("loan_id", Type.TEXT, "贷款编号"),
        USCC,
        Column("lender_code", Type.TEXT, "银行代码"),
        Column("disbursement_date", Type.DATE, "放款日期", rule="not in the future"),
        money("principal_yuan", "贷款本金", required=True),
        Column("term_months", Type.COUNT, "期限", unit="月", minimum=1, maximum=360),
        Column("report_month", Type.MONTH, "报送月份", rule="not before the disbursement month"),
        money("balance_yuan", "贷款余额", required=True),
        count("days_past_due", "逾期天数", maximum=3650, unit="天", required=True),
        Column("defaulted", Type.BOOL, "已违约", rule="90+ days past due or declared default"),
    ),
    checks=("report_not_before_disbursement",),
    notes="The training label: 90+ days past due or default within 12 months.",
)

CONTRACTS: dict[str, Contract] = {
    c.kind: c
    for c in (
        REGISTRATION,
        PUBLIC_CREDIT_EVENTS,
        UTILITY_MONTHLY,
        TAX_MONTHLY,
        TAX_GRADE,
        SOCIAL_SECURITY_MONTHLY,
        HOUSING_FUND_MONTHLY,
        INTELLECTUAL_PROPERTY,
        LOAN_OUTCOMES,
    )
}
