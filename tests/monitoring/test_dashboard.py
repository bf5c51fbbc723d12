"""The dashboard's tables on the hand-built city of tests/monitoring/world.py: every expected
figure is worked out by hand from that story (see ``world.build``), not by the code under test."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from sqlmodel import Session

from app.audit.service import SystemActor
from app.core.clock import to_local
from app.monitoring import dashboard, targets
from app.monitoring.dashboard import Figure, Table
from app.monitoring.exceptions import BadMonths, UnknownIndicator
from app.monitoring.models import MonitoringTarget
from app.monitoring.refresh import refresh
from app.monitoring.registry import INDICATORS, Unit
from app.monitoring.targets import TargetSet
from tests.clock import CityClock
from tests.monitoring import world

ACTOR = SystemActor("test")


@pytest.fixture
def city(db: Session) -> world.City:
    built = world.build(db)
    refresh(db, actor=ACTOR, through="2026-12")
    return built


def row(table: Table, key: str) -> list[Any]:
    return table.rows[table.keys.index(key)]


def values_of(cells: list[Any]) -> list[Any]:
    return [c.value if isinstance(c, Figure) else c for c in cells]


def set_target(
    db: Session, indicator: str, start: str, due: str, target: str, district: str = ""
) -> MonitoringTarget:
    data = TargetSet(
        indicator=indicator, district=district, start_month=start, due_month=due, target=target
    )
    return targets.set_target(db, data=data, actor=ACTOR)


def test_the_funnel_of_november_and_of_all_months(db: Session, city: world.City) -> None:
    table = dashboard.funnel_table(db, month="2026-11")
    # November: only bank A's approval (00:10 on the 1st, city time) and its loan on the 3rd
    assert values_of(row(table, "applications")[1:]) == [0, 3]
    assert values_of(row(table, "leads_offered")[1:]) == [0, 4]
    assert values_of(row(table, "leads_accepted")[1:]) == [0, 3]
    assert values_of(row(table, "leads_declined")[1:]) == [0, 1]
    assert values_of(row(table, "leads_approved")[1:]) == [1, 2]
    assert values_of(row(table, "leads_rejected")[1:]) == [0, 1]
    assert values_of(row(table, "loans_disbursed")[1:]) == [1, 2]
    assert values_of(row(table, "first_loans")[1:]) == [0, 1]
    # approved ÷ (approved + rejected): 1 ÷ 1 in November, 2 ÷ 3 in all; no need in November
    assert values_of(row(table, "approval_ratio")[1:]) == [Decimal("1.0000"), Decimal("0.6667")]
    assert values_of(row(table, "obtained_ratio")[1:]) == [None, Decimal("0.6667")]


def test_the_whitelist_month_by_month(db: Session, city: world.City) -> None:
    table = dashboard.whitelist_table(db, month="2026-12")
    assert len(table.rows) == 12 and table.keys[0] == "2026-01" and table.keys[-1] == "2026-12"
    # E1 joins in September; E2 at 01:00 on 1 October (city time); E2 leaves in November
    assert values_of(row(table, "2026-09")) == ["2026-09", 1, 1, 0, 1, Decimal("1.0000")]
    assert values_of(row(table, "2026-10")) == ["2026-10", 2, 1, 0, 1, Decimal("0.5000")]
    assert values_of(row(table, "2026-11")) == ["2026-11", 1, 0, 1, 1, Decimal("1.0000")]
    assert values_of(row(table, "2026-08")) == ["2026-08", 0, 0, 0, 0, None]


def test_every_indicator_of_the_registry_is_in_the_overview(db: Session, city: world.City) -> None:
    table = dashboard.indicator_table(db, month="2026-11")
    assert table.keys == [i.code for i in INDICATORS]
    amount = row(table, "platform_loan_amount")
    assert values_of(amount[1:4]) == [50_000_000, None, 150_000_000]  # no loan in October
    balance = row(table, "balance_outstanding")  # a stock: cumulative is the month's end
    assert values_of(balance[1:4]) == [130_000_000, Decimal("0.4444"), 130_000_000]
    assert balance[4] == "贷款余额"
    rate = row(table, "average_rate")
    assert rate[1] == Figure(Decimal("500.00"), Unit.BASIS_POINTS)


def test_breakdown_by_district_with_the_city_beside(db: Session, city: world.City) -> None:
    table = dashboard.breakdown_table(db, month="2026-11", by="district")
    assert table.headers == ["指标 \\ 区县", "吴兴区", "南浔区", "全市"]
    assert values_of(row(table, "platform_loan_amount")[1:]) == [50_000_000, 0, 50_000_000]
    assert values_of(row(table, "whitelist_size")[1:]) == [1, 0, 1]
    # a ratio over nothing is no figure, not 0; a city-only figure has no district share
    assert values_of(row(table, "approval_ratio")[1:]) == [Decimal("1.0000"), None, Decimal("1")]
    assert values_of(row(table, "small_micro_credit_loans")[1:]) == [None, None, 0]
    total = dashboard.breakdown_table(db, month="2026-11", by="district", cumulative=True)
    assert values_of(row(total, "applications")[1:]) == [2, 1, 3]


def test_breakdown_by_industry_and_bank_name_the_groups(db: Session, city: world.City) -> None:
    industry = dashboard.breakdown_table(db, month="2026-10", by="industry_section")
    assert industry.headers == ["指标 \\ 行业门类", "C 制造业", "F 批发和零售业", "全市"]
    assert values_of(row(industry, "applications")[1:]) == [1, 1, 2]
    bank = dashboard.breakdown_table(db, month="2026-10", by="lender_code")
    assert bank.headers[1:] == [city.bank_a.name, city.bank_b.name, "全市"]
    assert values_of(row(bank, "leads_offered")[1:]) == [2, 1, 3]


def test_trend_for_the_city_and_by_bank(db: Session, city: world.City) -> None:
    trend = dashboard.trend_table(db, month="2026-12", code="platform_loans")
    assert values_of(row(trend, "2026-09")) == ["2026-09", 1, None, 1]
    assert values_of(row(trend, "2026-11")) == ["2026-11", 1, None, 2]
    by_bank = dashboard.trend_table(db, month="2026-10", code="leads_offered", by="lender_code")
    assert by_bank.headers == ["月份", city.bank_a.name, city.bank_b.name]
    assert values_of(row(by_bank, "2026-10")) == ["2026-10", 2, 1]
    assert values_of(row(by_bank, "2026-09")) == ["2026-09", 1, 0]


def test_targets_are_judged_with_their_pace(db: Session, city: world.City) -> None:
    set_target(db, "platform_loans", "2026-09", "2026-12", "4")  # 2 loans by Nov; pace 3
    set_target(db, "balance_outstanding", "2026-10", "2026-12", "1400000")  # from 100 万元
    set_target(db, "whitelist_loan_share", "2026-01", "2026-12", "20")
    set_target(db, "average_rate", "2026-11", "2026-12", "4.5")  # 5.00 % in November
    set_target(db, "applications", "2027-01", "2027-12", "100")  # not begun at November
    table = dashboard.target_table(db, month="2026-11")
    loans = row(table, "platform_loans-city")
    assert values_of(loans[1:]) == [
        "全市", "2026-09", "2026-12", 4, Decimal("3.00"), 2, "落后于进度"
    ]  # fmt: skip
    balance = row(table, "balance_outstanding-city")
    # 100 万元 + (140 − 100) × 2 of 3 months = 126.67 万元; the balance is 130 万元
    assert values_of(balance[4:]) == [140_000_000, Decimal("126666666.67"), 130_000_000, "进度正常"]
    assert values_of(row(table, "whitelist_loan_share-city")[4:]) == [
        Decimal("0.2"), None, Decimal("1.0000"), "已达成"
    ]  # fmt: skip
    assert row(table, "average_rate-city")[-1] == "未达标"
    assert row(table, "applications-city")[-1] == "暂无数据"


def test_a_month_is_written_yyyy_mm_and_has_begun(city_clock: CityClock) -> None:
    today = to_local(datetime.now(UTC))
    current = f"{today.year:04d}-{today.month:02d}"
    assert dashboard.parse_month(None) == current == dashboard.parse_month("")
    assert dashboard.parse_month("2026-01") == "2026-01"
    next_year = f"{today.year + 1:04d}-01"
    for bad in (
        "2026-13",
        "2026-1",
        "２０２６-11",
        "2026-11 ",
        "=1+2",
        "1999-12",
        next_year,
        "x" * 99,
    ):
        with pytest.raises(BadMonths) as refused:
            dashboard.parse_month(bad)
        assert refused.value.code == "monitoring_bad_months" and "月" in refused.value.detail


def test_the_city_s_month_begins_at_midnight_beijing_time() -> None:
    # 17:00 UTC on 30 November is 01:00 on 1 December in the city: December has begun there
    with time_machine.travel(datetime(2026, 11, 30, 17, 0, tzinfo=UTC), tick=False):
        assert dashboard.parse_month(None) == "2026-12"
        assert dashboard.parse_month("2026-12") == "2026-12"


def test_unknown_cuts_and_indicators_are_refused(db: Session) -> None:
    with pytest.raises(UnknownIndicator):
        dashboard.breakdown_table(db, month="2026-11", by="enterprise")
    with pytest.raises(UnknownIndicator):
        dashboard.trend_table(db, month="2026-11", code="drop_table")


def test_the_bank_league_of_october(db: Session, city: world.City) -> None:
    table = dashboard.league_table(db, month="2026-10")
    # no deadline was recorded in this city: no answer counts, so the banks stand by code
    assert table.keys == ["bank-a", "bank-b"]
    assert values_of(row(table, "bank-a")[:6]) == [1, city.bank_a.name, 2, 0, 0, None]
    assert values_of(row(table, "bank-b")[:3]) == [2, city.bank_b.name, 1]
