"""The observable sources of the synthetic city, each driven by the latent health with noise.

Every monthly value moves with ``h_t`` (activity ~ exp(k h)) times firm size, season and noise;
arrears, zero-tax months and missed contributions become likely when ``h_t`` is low. A firm that
lacks a source has no rows in it; a value a firm does not have (gas, a missed reading) is empty.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from scoring.synthetic.health import (
    Panel,
    by_kind,
    dates,
    draw_counts,
    event_days,
    flags,
    labels,
    masked,
    money,
    prefixed,
    rows_of,
    sigmoid,
    text,
    to_cents,
)

SECTIONS = "ACEFGHILMO"
# kWh per head per month, water m3 per head, share of firms with piped gas, by 门类.
KWH_PER_HEAD = dict(zip(SECTIONS, (300, 900, 200, 120, 300, 450, 150, 80, 120, 60), strict=True))
WATER_PER_HEAD = dict(zip(SECTIONS, (6, 3, 1.5, 1, 1.5, 8, 1, 1, 1, 1.5), strict=True))
GAS_SHARE = dict(
    zip(SECTIONS, (0.05, 0.4, 0.05, 0.05, 0.05, 0.7, 0.05, 0.05, 0.05, 0.05), strict=True)
)
# Jan..Dec; the month of 春节 gets CNY_DIP instead (January or February, by year).
ELECTRICITY_SEASON = np.array([0.92, 0.9, 0.95, 0.95, 1.0, 1.08, 1.22, 1.25, 1.05, 0.96, 1.0, 1.1])
GAS_SEASON = np.array([1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.1, 1.4])
SALES_SEASON = np.array([1.0, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.05, 1.15])
CNY_DIP = 0.62
CNY_IN_JANUARY = frozenset({2020, 2023, 2025, 2028})
VAT_THRESHOLD_YUAN = 100_000  # 小规模纳税人 monthly sales below this owe no VAT
UTILITY_COLUMNS = (
    "uscc",
    "month",
    "electricity_kwh",
    "water_m3",
    "gas_m3",
    "billed_yuan",
    "arrears_yuan",
)
TAX_COLUMNS = ("uscc", "month", "tax_paid_yuan", "invoiced_sales_yuan", "arrears_yuan")
SOCIAL_COLUMNS = (
    "uscc",
    "month",
    "insured_headcount",
    "contributions_due_yuan",
    "contributions_paid_yuan",
    "months_in_arrears",
)
HOUSING_COLUMNS = ("uscc", "month", "headcount", "contributions_yuan")


def electricity_season(axis: np.ndarray) -> np.ndarray:
    """Summer and winter peaks and the Chinese New Year dip, per month of the window."""
    calendar = axis.astype(np.int64) % 12
    years = axis.astype(np.int64) // 12 + 1970
    factor = ELECTRICITY_SEASON[calendar].copy()
    cny = np.where(np.isin(years, list(CNY_IN_JANUARY)), 0, 1)
    factor[calendar == cny] = CNY_DIP
    return factor


def _lognormal(rng: np.random.Generator, sd: float, size: int) -> np.ndarray:
    return rng.lognormal(0.0, sd, size)


def _meters(
    rng: np.random.Generator, panel: Panel, firm: np.ndarray, month: np.ndarray, *, gas: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """kWh, m3 of water and m3 of gas: size x sector x season x exp(0.35 h) x noise."""
    n, activity = len(firm), np.exp(0.35 * panel.health[firm, month])
    scale = (panel.firms.headcount * _lognormal(rng, 0.5, panel.firms.count))[firm]
    season = electricity_season(panel.axis)[month]
    kwh = scale * panel.per_firm(KWH_PER_HEAD)[firm] * season * activity
    water = scale * panel.per_firm(WATER_PER_HEAD)[firm] * np.sqrt(activity)
    piped = scale * 15 * GAS_SEASON[panel.calendar[month]] * activity
    return (
        np.rint(kwh * _lognormal(rng, 0.12, n)),
        np.rint(water * _lognormal(rng, 0.2, n)),
        np.where(gas[firm], np.rint(piped * _lognormal(rng, 0.2, n)), 0),
    )


def utility_monthly(rng: np.random.Generator, panel: Panel) -> pa.Table:
    """Electricity, water, gas, the bill and arrears (电费/水费 欠费) per firm-month."""
    firms = panel.firms
    small = firms.headcount < 5
    covered = rng.random(firms.count) < by_kind(firms, np.where(small, 0.85, 0.97), 0.55, 0.8)
    has_gas = rng.random(firms.count) < panel.per_firm(GAS_SHARE)
    firm, month = rows_of(rng, panel, covered, gap=0.01)
    kwh, water, gas = _meters(rng, panel, firm, month, gas=has_gas)
    n = len(firm)
    billed = to_cents(kwh * 0.78 + water * 4.5 + gas * 3.8)
    owing = rng.random(n) < sigmoid(-5.0 - 2.5 * panel.health[firm, month])
    arrears = np.where(owing, to_cents(billed / 100 * rng.uniform(0.5, 3.0, n)), 0)
    values = [
        labels(firms.uscc, firm),
        labels(panel.month_labels, month),
        text(kwh.astype(np.int64)),
        text(water.astype(np.int64), valid=rng.random(n) >= 0.02),  # a missed reading
        text(gas.astype(np.int64), valid=has_gas[firm]),  # no gas connection: empty
        money(billed),
        money(arrears),
    ]
    return pa.table(values, names=list(UTILITY_COLUMNS))


def tax_sources(
    rng: np.random.Generator, panel: Panel, *, as_of_month: np.datetime64
) -> tuple[pa.Table, pa.Table]:
    """tax_monthly (纳税) and tax_grade (纳税信用等级) for the same taxpayers."""
    firms = panel.firms
    covered = rng.random(firms.count) < by_kind(firms, 0.97, 0.7, 0.6)
    firm, month = rows_of(rng, panel, covered, gap=0.01)
    n, health = len(firm), panel.health[firm, month]
    sales = (
        firms.revenue[firm]
        / 12
        * SALES_SEASON[panel.calendar[month]]
        * np.exp(0.4 * health)
        * _lognormal(rng, 0.25, n)
    )
    sales = np.where(rng.random(n) < sigmoid(-5.0 - 2.0 * health), 0.0, sales)
    exempt = (firms.kind[firm] == 1) & (sales < VAT_THRESHOLD_YUAN)
    loss = rng.random(n) < sigmoid(-2.5 - 1.5 * health)
    tax = np.where(exempt | loss, 0.0, sales * rng.uniform(0.01, 0.04, firms.count)[firm])
    owing = rng.random(n) < sigmoid(-5.5 - 2.5 * health)
    arrears = np.where(owing, np.maximum(tax, sales * 0.02) * rng.uniform(1, 4, n), 0.0)
    monthly = pa.table(
        [
            labels(firms.uscc, firm),
            labels(panel.month_labels, month),
            money(to_cents(tax)),
            money(to_cents(sales)),
            money(to_cents(arrears)),
        ],
        names=list(TAX_COLUMNS),
    )
    return monthly, tax_grade(rng, panel, covered=covered, as_of_month=as_of_month)


def grade_years(axis: np.ndarray, as_of_month: np.datetime64) -> list[int]:
    """Full calendar years in the window whose grade (published each April) is out by as_of."""
    years = sorted({int(y) for y in axis.astype(np.int64) // 12 + 1970})
    full = [y for y in years if np.isin(np.datetime64(f"{y}-01") + np.arange(12), axis).all()]
    return [y for y in full if np.datetime64(f"{y + 1}-04") < as_of_month]


def tax_grade(
    rng: np.random.Generator, panel: Panel, *, covered: np.ndarray, as_of_month: np.datetime64
) -> pa.Table:
    """A/B/M/C/D from the year's mean health; firms registered during the year get M."""
    graded, years, grades = (
        [np.zeros(0, np.int64)],
        [np.zeros(0, np.int64)],
        [np.zeros(0, np.int64)],
    )
    for year in grade_years(panel.axis, as_of_month):
        january = int((np.datetime64(f"{year}-01") - panel.axis[0]).astype(np.int64))
        alive = panel.alive[:, january : january + 12]
        months_alive = alive.sum(axis=1)
        chosen = np.flatnonzero(covered & (months_alive > 0))
        mean = (panel.health[:, january : january + 12] * alive).sum(axis=1)[chosen]
        score = mean / months_alive[chosen] + rng.normal(0.0, 0.35, len(chosen))
        grade = np.digitize(score, [-2.3, -1.4, 0.9])  # D, C, B, A
        grades.append(np.where(panel.firms.first[chosen] > january, 4, grade))  # 新办 get M
        graded.append(chosen)
        years.append(np.full(len(chosen), year))
    firm, when, grade = np.concatenate(graded), np.concatenate(years), np.concatenate(grades)
    order = np.lexsort((when, firm))
    return pa.table(
        [
            labels(panel.firms.uscc, firm[order]),
            text(when[order]),
            labels(["D", "C", "B", "A", "M"], grade[order]),
        ],
        names=["uscc", "year", "grade"],
    )


def _arrears_run(under: np.ndarray) -> np.ndarray:
    """Consecutive months underpaid up to and including each month."""
    run = np.zeros(under.shape, dtype=np.int64)
    current = np.zeros(under.shape[0], dtype=np.int64)
    for t in range(under.shape[1]):
        current = (current + 1) * under[:, t]
        run[:, t] = current
    return run


def payroll_sources(rng: np.random.Generator, panel: Panel) -> tuple[pa.Table, pa.Table]:
    """social_security_monthly (社保) and housing_fund_monthly (公积金)."""
    firms = panel.firms
    covered = rng.random(firms.count) < by_kind(
        firms, np.where(firms.headcount >= 3, 0.92, 0.6), 0.25, 0.4
    )
    coverage = rng.uniform(0.5, 1.0, firms.count)
    base = rng.uniform(4462, 9000, firms.count)  # 缴费基数, yuan per head per month
    insured = np.maximum(
        1, np.rint(firms.headcount[:, None] * coverage[:, None] * np.exp(0.12 * panel.health))
    )
    due = to_cents(insured * base[:, None] * 0.3)
    under = rng.random(panel.alive.shape) < sigmoid(-5.0 - 2.2 * panel.health)
    paid = np.where(under, (due * rng.uniform(0.0, 0.8, due.shape)).astype(np.int64), due)
    run = _arrears_run(under & panel.alive)
    firm, month = rows_of(rng, panel, covered, gap=0.005)
    social = pa.table(
        [
            labels(firms.uscc, firm),
            labels(panel.month_labels, month),
            text(insured[firm, month].astype(np.int64)),
            money(due[firm, month]),
            money(paid[firm, month]),
            text(run[firm, month]),
        ],
        names=list(SOCIAL_COLUMNS),
    )
    return social, _housing_fund(rng, panel, covered=covered, insured=insured)


def _housing_fund(
    rng: np.random.Generator, panel: Panel, *, covered: np.ndarray, insured: np.ndarray
) -> pa.Table:
    firms = panel.firms
    enterprise = sigmoid(-1.6 + 0.45 * np.log(firms.headcount))
    pays = covered & (rng.random(firms.count) < by_kind(firms, enterprise, 0.03, 0.05))
    share = rng.uniform(0.3, 1.0, firms.count)
    base = rng.uniform(2000, 6000, firms.count)
    firm, month = rows_of(rng, panel, pays, gap=0.005)
    headcount = np.maximum(1, np.rint(insured[firm, month] * share[firm]))
    suspended = (panel.health[firm, month] < -2.0) & (rng.random(len(firm)) < 0.5)  # 缓缴
    contributions = np.where(suspended, 0, to_cents(headcount * base[firm] * 0.24))
    return pa.table(
        [
            labels(firms.uscc, firm),
            labels(panel.month_labels, month),
            text(headcount.astype(np.int64)),
            money(contributions),
        ],
        names=list(HOUSING_COLUMNS),
    )


def intellectual_property(rng: np.random.Generator, panel: Panel) -> pa.Table:
    """Patents, trademarks and IP pledges (知识产权质押) granted while a firm is on record."""
    firms = panel.firms
    firm, month = np.nonzero(panel.alive)
    boost = np.exp(0.3 * panel.health[firm, month]) * (firms.headcount[firm] / 10) ** 0.4
    inventive = np.isin(firms.section[firm], ["C", "I", "M"])
    patent = draw_counts(rng, np.where(inventive, 0.012, 0.001) * boost)
    trademark = draw_counts(rng, 0.003 * boost)
    pledge = draw_counts(rng, np.where(inventive, 0.0015, 0.0001) * boost)
    patent_kind = rng.choice(3, p=[0.2, 0.55, 0.25], size=len(patent))
    row = np.concatenate([patent, trademark, pledge])
    kind = np.concatenate([patent_kind, np.full(len(trademark), 3), np.full(len(pledge), 4)])
    granted = event_days(rng, panel, month[row])
    amount = np.maximum(1, np.rint(rng.lognormal(14.5, 0.8, len(row)) / 10_000)) * 1_000_000
    order = np.lexsort((kind, firm[row], granted))
    kinds = ["invention_patent", "utility_model", "design_patent", "trademark", "ip_pledge"]
    return pa.table(
        [
            prefixed("IP", np.arange(1, len(row) + 1)),
            labels(firms.uscc, firm[row][order]),
            labels(kinds, kind[order]),
            dates(granted[order]),
            money(amount[order].astype(np.int64), valid=kind[order] == 4),
        ],
        names=["record_id", "uscc", "kind", "granted_date", "pledge_amount_yuan"],
    )


# kind: (monthly rate at h = 0, sensitivity to h, departments); bad health raises the first ones.
EVENT_KINDS = {
    "administrative_penalty": (
        0.003,
        -0.8,
        ("市场监管局", "税务局", "生态环境局", "应急管理局", "人社局"),
    ),
    "abnormal_operation": (0.0008, -1.1, ("市场监管局",)),
    "dishonest_debtor": (0.0003, -1.3, ("法院",)),
    "serious_dishonesty": (0.00015, -1.3, ("发改委", "市场监管局", "税务局", "人社局")),
    "commitment_breach": (0.0003, -1.0, ("发改委",)),
    "licence": (0.003, 0.3, ("市场监管局", "生态环境局", "住建局", "卫健委")),
    "red_list": (0.0008, 0.9, ("发改委", "税务局", "海关")),
    "credit_commitment": (0.002, 0.4, ("发改委", "市场监管局", "商务局")),
}
DEPARTMENTS = sorted({d for *_, names in EVENT_KINDS.values() for d in names})
# Publicity periods in days: penalties by severity (minor, general, serious), then other kinds.
PENALTY_DAYS = np.array([90, 365, 1095])
PUBLICITY_DAYS = {"red_list": 365, "serious_dishonesty": 1095, "commitment_breach": 365}
REPAIRABLE = (
    "administrative_penalty",
    "abnormal_operation",
    "serious_dishonesty",
    "commitment_breach",
)
EVENT_COLUMNS = (
    "event_id",
    "uscc",
    "kind",
    "event_date",
    "department",
    "publicity_start",
    "publicity_end",
    "amount_yuan",
    "severity",
    "repaired",
    "removed",
)


def _draw_events(rng: np.random.Generator, panel: Panel) -> tuple[np.ndarray, ...]:
    """Firm, month, kind, department and health of every event: Poisson counts per firm-month."""
    firm, month = np.nonzero(panel.alive)
    health = panel.health[firm, month]
    size = (panel.firms.headcount[firm] / 5) ** 0.3
    parts = []
    for code, (rate, slope, departments) in enumerate(EVENT_KINDS.values()):
        row = draw_counts(rng, rate * size * np.exp(slope * health))
        department = np.array([DEPARTMENTS.index(d) for d in departments])
        parts.append((row, np.full(len(row), code), rng.choice(department, size=len(row))))
    row, kind, department = (np.concatenate(p) for p in zip(*parts, strict=True))
    return firm[row], month[row], kind, department, health[row]


def public_credit_events(
    rng: np.random.Generator, panel: Panel, *, as_of: np.datetime64
) -> pa.Table:
    """Penalties, licences, lists and commitments (公共信用信息) with their publicity."""
    firm, month, kind, department, health = _draw_events(rng, panel)
    n, names = len(firm), list(EVENT_KINDS)
    happened = event_days(rng, panel, month)
    start = np.minimum(happened + rng.integers(0, 8, n), as_of - 1)
    penalty = kind == names.index("administrative_penalty")
    serious = rng.random(n) < sigmoid(-3.2 - health)
    severity = np.where(serious, 2, np.where(rng.random(n) < 0.35, 1, 0))
    amount = np.rint(rng.lognormal(7.6 + 2.1 * severity, 0.8) / 100) * 10_000
    days = np.array([PUBLICITY_DAYS.get(name, 0) for name in names])[kind]
    days = np.where(penalty, PENALTY_DAYS[severity], days)
    repairable = np.isin(kind, [names.index(k) for k in REPAIRABLE]) & ~(penalty & (severity == 0))
    repaired = repairable & (rng.random(n) < 0.15 + 0.25 * sigmoid(health))
    end = start + days
    debtor_cleared = (kind == names.index("dishonest_debtor")) & (rng.random(n) < 0.3)
    removed = ((days > 0) & (end < as_of)) | repaired | debtor_cleared
    order = np.lexsort((kind, firm, happened))
    penalty, days = penalty[order], days[order]
    return pa.table(
        [
            prefixed("PE", np.arange(1, n + 1)),
            labels(panel.firms.uscc, firm[order]),
            labels(names, kind[order]),
            dates(happened[order]),
            labels(DEPARTMENTS, department[order]),
            dates(start[order]),
            masked(dates(end[order]), days > 0),
            money(np.maximum(amount, 10_000).astype(np.int64)[order], valid=penalty),
            masked(labels(["minor", "general", "serious"], severity[order]), penalty),
            flags(repaired[order]),
            flags(removed[order]),
        ],
        names=list(EVENT_COLUMNS),
    )
