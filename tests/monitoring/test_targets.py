"""Targets on the hand-built city (tests/monitoring/world.py): each standing worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.monitoring import targets
from app.monitoring.exceptions import BadTarget, UnknownIndicator
from app.monitoring.models import MonitoringTarget
from app.monitoring.refresh import refresh
from app.monitoring.targets import Standing, TargetSet
from tests.monitoring import world

OFFICE = SystemActor("office-test")


@pytest.fixture
def city(db: Session) -> world.City:
    built = world.build(db)
    refresh(db, actor=SystemActor("test"), through="2026-12")
    return built


def aim(db: Session, indicator: str, target: str, start: str, due: str, district: str = "") -> None:
    targets.set_target(
        db,
        data=TargetSet(
            indicator=indicator, target=target, start_month=start, due_month=due, district=district
        ),
        actor=OFFICE,
    )


def judged(db: Session, month: str) -> dict[tuple[str, str], targets.Status]:
    return {(s.indicator.code, s.target.district): s for s in targets.standing(db, month=month)}


def test_a_flow_is_counted_from_the_first_month_against_a_straight_line(
    db: Session, city: world.City
) -> None:
    aim(db, "platform_loan_amount", "3000000", "2026-09", "2026-12")  # 300,000,000 fen
    october = judged(db, "2026-10")[("platform_loan_amount", "")]
    # lent by October: 1,000,000 yuan; the line expects half of 3,000,000 after 2 of 4 months
    assert october.actual == 100_000_000 and october.expected == Decimal("150000000.00")
    assert october.standing is Standing.BEHIND and october.label == "落后于进度"
    aim(db, "platform_loans", "2", "2026-09", "2026-12")
    assert judged(db, "2026-11")[("platform_loans", "")].standing is Standing.MET


def test_a_stock_moves_from_where_it_stood_before_the_first_month(
    db: Session, city: world.City
) -> None:
    aim(db, "balance_outstanding", "2000000", "2026-10", "2026-12")
    november = judged(db, "2026-11")[("balance_outstanding", "")]
    # from 1,000,000 yuan at the end of September, two thirds of the way to 2,000,000
    assert november.expected == Decimal("166666666.67")
    assert november.actual == 130_000_000 and november.standing is Standing.BEHIND


def test_a_share_or_a_number_of_days_is_a_level_to_reach(db: Session, city: world.City) -> None:
    aim(db, "approval_ratio", "60", "2026-09", "2026-12")
    aim(db, "days_to_money", "20", "2026-09", "2026-12")  # fewer days is better
    october, november = judged(db, "2026-10"), judged(db, "2026-11")
    # approved ÷ decided since September: 1 of 2 by October, 2 of 3 by November
    assert october[("approval_ratio", "")].actual == Decimal("0.5000")
    assert october[("approval_ratio", "")].standing is Standing.NOT_MET
    assert november[("approval_ratio", "")].standing is Standing.MET
    assert november[("approval_ratio", "")].expected is None
    # 15 days for September's loan; (15 + 29) ÷ 2 = 22 with November's
    assert judged(db, "2026-09")[("days_to_money", "")].standing is Standing.MET
    assert november[("days_to_money", "")].actual == Decimal("22.0")
    assert november[("days_to_money", "")].standing is Standing.NOT_MET


def test_a_district_s_target_counts_that_district_alone(db: Session, city: world.City) -> None:
    aim(db, "applications", "5", "2026-10", "2026-11", district="330503")
    standing = judged(db, "2026-10")[("applications", "330503")]
    assert standing.actual == 1 and standing.expected == Decimal("2.50")  # E2's one application
    assert judged(db, "2026-09")[("applications", "330503")].standing is Standing.NO_DATA


def test_setting_again_is_a_new_version_and_audited(db: Session, city: world.City) -> None:
    aim(db, "platform_loans", "10", "2026-01", "2026-12")
    aim(db, "platform_loans", "12", "2026-01", "2026-12")
    versions = targets.history(db, indicator="platform_loans")
    assert [(row.version, row.target) for row in versions] == [(2, 12), (1, 10)]
    assert [s.target.version for s in targets.standing(db, month="2026-12")] == [2]
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "monitoring.target.set")).all()
    assert len(audited) == 2


@pytest.mark.parametrize(
    ("indicator", "target", "error"),
    [
        ("approval_ratio", "20.123", BadTarget),  # finer than a basis point
        ("approval_ratio", "120", BadTarget),  # a share above 100 %
        ("platform_loan_amount", "1.234", BadTarget),  # finer than a fen
        ("platform_loans", "2.5", BadTarget),  # half a loan
        ("no_such_indicator", "1", UnknownIndicator),
    ],
)
def test_a_bad_target_is_refused_and_nothing_is_kept(
    db: Session, indicator: str, target: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        aim(db, indicator, target, "2026-01", "2026-12")
    assert db.exec(select(MonitoringTarget)).all() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"start_month": "2026-12", "due_month": "2026-01"},
        {"target": "-5"},
        {"target": "1e9"},
        {"note": "bad\x00note"},
        {"district": "../../"},
        {"start_month": "2026-13"},
    ],
)
def test_the_schema_refuses_malformed_targets(fields: dict[str, str]) -> None:
    data = {
        "indicator": "platform_loans",
        "target": "5",
        "start_month": "2026-01",
        "due_month": "2026-12",
    } | fields
    with pytest.raises(ValueError):
        TargetSet.model_validate(data)
