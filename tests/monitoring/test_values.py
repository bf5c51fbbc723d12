"""The monitoring's figures on the hand-built city of tests/monitoring/world.py; every expected
number below is worked out by hand from that story, not by the code under test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from app.audit.service import SystemActor
from app.monitoring import values
from app.monitoring.exceptions import BadMonths, UnknownIndicator
from app.monitoring.refresh import refresh
from tests.monitoring import world


@pytest.fixture
def city(db: Session) -> world.City:
    built = world.build(db)
    refresh(db, actor=SystemActor("test"), through="2026-12")
    return built


def figures(db: Session, code: str, **options: object) -> list[tuple[str, str, object]]:
    series = values.series(db, code=code, first="2026-09", last="2026-12", **options)  # type: ignore[arg-type]
    return [(point.month, point.group, point.value) for point in series.points]


def monthly(db: Session, code: str, **options: object) -> list[object]:
    return [value for _month, _group, value in figures(db, code, **options)]


def test_loans_by_month_count_and_amount(db: Session, city: world.City) -> None:
    assert monthly(db, "platform_loans") == [1, 0, 1, 0]
    assert monthly(db, "platform_loan_amount") == [100_000_000, 0, 50_000_000, 0]
    assert monthly(db, "platform_loans", cumulative=True) == [1, 1, 2, 2]
    assert monthly(db, "first_loans", cumulative=True) == [1, 1, 1, 1]


def test_balance_outstanding_stands_at_each_month_end(db: Session, city: world.City) -> None:
    # Sep 1,000,000; Oct −100,000 repaid; Nov −100,000 more, and the 500,000 loan defaulted
    # with all of it owed; Dec 50,000 of that recovered
    balances = [100_000_000, 90_000_000, 80_000_000 + 50_000_000, 80_000_000 + 45_000_000]
    assert monthly(db, "balance_outstanding") == balances
    # a stock is not summed over months, even when asked cumulatively
    assert monthly(db, "balance_outstanding", cumulative=True) == balances
    growth = [
        p.growth
        for p in values.series(
            db, code="balance_outstanding", first="2026-10", last="2026-11"
        ).points
    ]
    assert growth == [Decimal("-0.1000"), Decimal("0.4444")]


def test_months_are_the_city_s_not_utc_s(db: Session, city: world.City) -> None:
    # E2's application at 30 Sep 16:30 UTC is October's; the approval at 31 Oct 16:10 UTC
    # November's; E2's join at 30 Sep 17:00 UTC October's
    assert monthly(db, "applications") == [1, 2, 0, 0]
    assert monthly(db, "leads_approved") == [1, 0, 1, 0]
    assert monthly(db, "whitelist_joins") == [1, 1, 0, 0]


def test_funnel_and_its_ratios(db: Session, city: world.City) -> None:
    assert monthly(db, "leads_offered") == [1, 3, 0, 0]
    assert monthly(db, "leads_accepted") == [1, 2, 0, 0]
    # decided = approved + rejected: Sep 1 of 1, Oct 0 of 1, Nov 1 of 1, Dec nothing decided
    assert monthly(db, "approval_ratio") == [
        Decimal("1.0000"),
        Decimal("0.0000"),
        Decimal("1.0000"),
        None,
    ]
    assert monthly(db, "approval_ratio", cumulative=True)[-1] == Decimal("0.6667")  # 2 of 3
    assert monthly(db, "obtained_ratio", cumulative=True)[-1] == Decimal("0.6667")  # 2 of 3
    # (4.00 % × 1,000,000 + 5.00 % × 500,000) ÷ 1,500,000 = 4.33 %
    assert monthly(db, "average_rate", cumulative=True)[-1] == Decimal("433.33")
    # 15 days (10 → 25 Sep) and 29 days (5 Oct → 3 Nov)
    assert monthly(db, "days_to_money") == [Decimal("15.0"), None, Decimal("29.0"), None]
    assert monthly(db, "days_to_money", cumulative=True)[-1] == Decimal("22.0")
    # the pure-credit loan is credit, the collateral one is not: 1,000,000 of 1,500,000
    assert monthly(db, "credit_loan_share", cumulative=True)[-1] == Decimal("0.6667")


def test_whitelist_size_and_its_loan_share(db: Session, city: world.City) -> None:
    assert monthly(db, "whitelist_size") == [1, 2, 1, 1]
    assert monthly(db, "whitelist_exits") == [0, 0, 1, 0]
    # E1 (lent in September) is a member throughout; E2 (never lent) only in October
    assert monthly(db, "whitelist_loan_share") == [
        Decimal("1.0000"),
        Decimal("0.5000"),
        Decimal("1.0000"),
        Decimal("1.0000"),
    ]


def test_uscc_error_rate_counts_rejected_and_held_codes_over_rows_read(
    db: Session, city: world.City
) -> None:
    # September: 1 held + 2 rejected on the USCC (one of them also on the name) of 10,000;
    # October: 1 of 20,000 (the file at 01:00 city time on the 1st); the refused file counts
    # nowhere
    assert monthly(db, "uscc_error_rate") == [
        Decimal("0.000300"), Decimal("0.000050"), None, None,
    ]  # fmt: skip
    whole = values.series(
        db, code="uscc_error_rate", first="2026-09", last="2026-10", cumulative=True
    ).points[-1]
    assert (whole.numerator, whole.denominator, whole.value) == (4, 30_000, Decimal("0.000133"))


def test_cuts_by_bank_district_and_product(db: Session, city: world.City) -> None:
    by_bank = figures(db, "leads_offered", by="lender_code")
    assert [(m, g, v) for m, g, v in by_bank if m == "2026-10"] == [
        ("2026-10", "bank-a", 2),
        ("2026-10", "bank-b", 1),
    ]
    by_district = figures(db, "applications", by="district")
    assert [(m, g, v) for m, g, v in by_district if m == "2026-10"] == [
        ("2026-10", "330502", 1),
        ("2026-10", "330503", 1),
    ]
    declined_at_b = monthly(db, "leads_offered", where={"lender_code": "bank-b"})
    assert declined_at_b == [0, 1, 0, 0]
    by_product = figures(db, "platform_loan_amount", by="product_type", cumulative=True)
    assert {(g, v) for m, g, v in by_product if m == "2026-12"} == {
        ("pure_credit", 100_000_000),
        ("collateral", 50_000_000),
    }


def test_a_rebuild_is_whole_and_repeatable(db: Session, city: world.City) -> None:
    before = monthly(db, "balance_outstanding")
    again = refresh(db, actor=SystemActor("test"), through="2026-12")
    assert again.first_month == "2026-09" and again.last_month == "2026-12"
    assert monthly(db, "balance_outstanding") == before
    # figures as of an earlier month: nothing after October is counted
    refresh(db, actor=SystemActor("test"), through="2026-10")
    assert monthly(db, "platform_loans", cumulative=True) == [1, 1, 1, 1]


def test_unknown_indicators_and_months_in_the_wrong_order_are_refused(
    db: Session, city: world.City
) -> None:
    with pytest.raises(UnknownIndicator):
        values.series(db, code="no_such_indicator", first="2026-09", last="2026-12")
    with pytest.raises(BadMonths):
        values.series(db, code="platform_loans", first="2026-12", last="2026-09")
