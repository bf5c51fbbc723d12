"""Figures the office enters, and the city ratios that stand on them, on the hand-built city."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.monitoring import figures, values
from app.monitoring.exceptions import BadFigure
from app.monitoring.figures import FigureSet
from app.monitoring.models import MonitoringFigure
from app.monitoring.refresh import refresh
from tests.monitoring import world

OFFICE = SystemActor("office-test")


def enter(db: Session, measure: str, month: str, value: str, district: str = "") -> None:
    data = FigureSet(measure=measure, month=month, value=value, district=district)
    figures.enter(db, data=data, actor=OFFICE)


@pytest.fixture
def city(db: Session) -> world.City:
    built = world.build(db)
    enter(db, "market_entities", "2026-09", "1000", district="330502")
    enter(db, "market_entities", "2026-11", "1250", district="330502")
    enter(db, "market_entities", "2026-09", "500", district="330503")
    enter(db, "city_enterprise_credit_loans_fen", "2026-10", "10000000")  # 1,000 万元
    enter(db, "city_enterprise_loans_fen", "2026-10", "30000000")
    refresh(db, actor=SystemActor("test"), through="2026-12")
    return built


def monthly(db: Session, code: str, **options: object) -> list[object]:
    series = values.series(db, code=code, first="2026-09", last="2026-12", **options)  # type: ignore[arg-type]
    return [(p.group, p.value) if options.get("by") else p.value for p in series.points]


def test_the_obtained_loan_ratio_per_district_and_for_the_city(
    db: Session, city: world.City
) -> None:
    # E1 (330502) is the only borrower, from September; 330502's entities are 1,000 until
    # November's 1,250; 330503 has 500 and no borrower
    by_district = monthly(db, "obtained_loan_ratio", by="district")
    assert by_district == [
        ("330502", Decimal("0.0010")),
        ("330502", Decimal("0.0010")),
        ("330502", Decimal("0.0008")),
        ("330502", Decimal("0.0008")),
        ("330503", Decimal("0.0000")),
        ("330503", Decimal("0.0000")),
        ("330503", Decimal("0.0000")),
        ("330503", Decimal("0.0000")),
    ]
    # the city: 1 of 1,500, then 1 of 1,750
    assert monthly(db, "obtained_loan_ratio") == [
        Decimal("0.0007"),
        Decimal("0.0007"),
        Decimal("0.0006"),
        Decimal("0.0006"),
    ]


def test_the_city_credit_ratios_stand_on_the_office_s_figures(
    db: Session, city: world.City
) -> None:
    # the platform's credit (pure-credit) balance: 900,000 yuan in October, 800,000 after
    # November's repayment, over the city's 10,000,000 yuan of enterprise credit loans; no
    # city figure for September, so no ratio then
    assert monthly(db, "platform_credit_share") == [
        None,
        Decimal("0.0900"),
        Decimal("0.0800"),
        Decimal("0.0800"),
    ]
    assert monthly(db, "enterprise_credit_share")[1:] == [Decimal("0.3333")] * 3


def test_a_new_version_of_a_month_replaces_it(db: Session, city: world.City) -> None:
    enter(db, "market_entities", "2026-09", "2000", district="330502")
    refresh(db, actor=SystemActor("test"), through="2026-12")
    assert monthly(db, "obtained_loan_ratio")[:2] == [Decimal("0.0004")] * 2  # 1 of 2,500
    versions = db.exec(
        select(MonitoringFigure.version).where(
            MonitoringFigure.district == "330502", MonitoringFigure.month == "2026-09"
        )
    ).all()
    assert sorted(versions) == [1, 2]
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "monitoring.figure.enter")).all()


@pytest.mark.parametrize(
    ("measure", "value", "district"),
    [
        ("market_entities", "1000", ""),  # a district's figure without a district
        ("city_enterprise_loans_fen", "1000", "330502"),  # a city figure for a district
        ("loans_disbursed", "5", ""),  # computed, not entered
        ("market_entities", "10.5", "330502"),  # half an entity
    ],
)
def test_a_bad_figure_is_refused_and_nothing_is_kept(
    db: Session, measure: str, value: str, district: str
) -> None:
    with pytest.raises(BadFigure):
        enter(db, measure, "2026-10", value, district=district)
    assert db.exec(select(MonitoringFigure)).all() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"value": "-1"},
        {"value": "1.234"},
        {"value": "=1+1"},
        {"month": "2026-00"},
        {"district": "33050"},
        {"note": "\x07"},
        {"extra": "x"},
    ],
)
def test_the_schema_refuses_malformed_figures(fields: dict[str, str]) -> None:
    data = {
        "measure": "market_entities",
        "district": "330502",
        "month": "2026-10",
        "value": "100",
    } | fields
    with pytest.raises(ValueError):
        FigureSet.model_validate(data)
