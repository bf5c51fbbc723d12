"""The incremental refresh on the hand-built city (tests/monitoring/world.py): which months a
late row makes it recompute, what those months then hold (worked out by hand), and that the
table always equals a whole rebuild of the same rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.config import get_settings
from app.enterprises.models import Enterprise
from app.monitoring import figures
from app.monitoring.figures import FigureSet
from app.monitoring.measures import city_month
from app.monitoring.models import MonitoringRefresh
from app.monitoring.refresh import refresh
from lenders.leads.models import DeadlineKind, LeadDeadline
from lenders.loans.models import Loan
from tests.clock import CityClock
from tests.factories import make_product
from tests.monitoring import world
from tests.monitoring.refresh_checks import assert_equal_to_a_rebuild, held_cells, held_league

ACTOR = SystemActor("test")


@pytest.fixture
def no_overlap(monkeypatch: pytest.MonkeyPatch) -> None:
    """The city's rows are all written within seconds: without this, the overlap would make
    the first incremental refresh read them all again (which is right, but tells nothing)."""
    monkeypatch.setattr(get_settings().schedule, "monitoring_overlap_seconds", 0)


@pytest.fixture
def city(city_clock: CityClock, no_overlap: None, db: Session) -> world.City:
    built = world.build(db)
    done = refresh(db, actor=ACTOR, through="2026-12")
    assert done.full and done.cells > 0
    return built


def cell_sum(db: Session, measure: str, month: str, **cuts: str) -> int:
    return sum(
        value
        for (name, at, district, section, lender, product), value in held_cells(db).items()
        if name == measure and at == month
        and all(dict(district=district, industry_section=section, lender_code=lender,
                     product_type=product)[cut] == wanted for cut, wanted in cuts.items())
    )  # fmt: skip


def first_loan(db: Session, city: world.City) -> Loan:
    return db.exec(
        select(Loan).where(Loan.uscc == city.e1.uscc, Loan.principal_fen == 100_000_000)
    ).one()


def test_nothing_changed_writes_nothing_and_says_so(db: Session, city: world.City) -> None:
    before, league = held_cells(db), held_league(db)
    done = refresh(db, actor=ACTOR, through="2026-12")
    assert (done.full, done.since_month, done.cells) == (False, None, 0)
    assert held_cells(db) == before and held_league(db) == league
    last = db.exec(select(MonitoringRefresh).order_by(MonitoringRefresh.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and not last.full and last.since_month is None
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "monitoring.refresh")).all()
    assert len(audited) == 2


def test_a_late_repayment_recomputes_the_balances_from_its_period(
    db: Session, city: world.City
) -> None:
    world.repayment(db, first_loan(db, city), "2026-09", 5_000_000)  # reported today for Sept
    done = refresh(db, actor=ACTOR, through="2026-12")
    assert (done.full, done.since_month) == (False, "2026-09")
    # E1's pure-credit loan of 1,000,000 yuan: 50,000 repaid for September, 100,000 for October
    # and for November (the collateral loan is E1's too: 500,000 from November, defaulted)
    balances = [cell_sum(db, "balance_fen", m, product_type="pure_credit")
                for m in ("2026-09", "2026-10", "2026-11", "2026-12")]  # fmt: skip
    assert balances == [95_000_000, 85_000_000, 75_000_000, 75_000_000]
    assert_equal_to_a_rebuild(db)


def test_a_figure_entered_for_an_old_month_stands_from_that_month(
    db: Session, city: world.City
) -> None:
    figures.enter(
        db,
        data=FigureSet(measure="market_entities", district="330502", month="2026-09", value="1200"),
        actor=ACTOR,
    )
    done = refresh(db, actor=ACTOR, through="2026-12")
    assert done.since_month == "2026-09"
    months = ("2026-09", "2026-10", "2026-11", "2026-12")
    assert [cell_sum(db, "market_entities", m, district="330502") for m in months] == [1200] * 4
    assert_equal_to_a_rebuild(db)


def test_an_enterprise_moving_district_moves_its_rows_from_its_first_month(
    db: Session, city: world.City
) -> None:
    # E2 (330503) applied at 00:30 on 1 October, city time: its first row is October's
    assert cell_sum(db, "applications", "2026-10", district="330503") == 1
    moved = db.get(Enterprise, city.e2.uscc)
    assert moved is not None
    moved.district = "330502"
    db.add(moved)
    db.flush()
    done = refresh(db, actor=ACTOR, through="2026-12")
    assert done.since_month == "2026-10"
    assert cell_sum(db, "applications", "2026-10", district="330503") == 0
    assert cell_sum(db, "applications", "2026-10", district="330502") == 2  # E1's and E2's
    assert refresh(db, actor=ACTOR, through="2026-12").since_month is None  # seen: not again
    assert_equal_to_a_rebuild(db)


def test_a_new_month_is_computed_with_the_stocks_carried_in(db: Session, city: world.City) -> None:
    refresh(db, actor=ACTOR, through="2026-11", full=True)
    assert cell_sum(db, "balance_fen", "2026-12") == 0
    done = refresh(db, actor=ACTOR, through="2026-12")
    assert (done.full, done.since_month) == (False, "2026-12")
    # 800,000 of the first loan, and 500,000 − 50,000 recovered in December of the defaulted one
    assert cell_sum(db, "balance_fen", "2026-12") == 80_000_000 + 45_000_000
    assert_equal_to_a_rebuild(db)


def test_an_open_deadline_falling_due_becomes_a_breach_of_its_month(
    db: Session, city: world.City
) -> None:
    lead_row = world.lead(
        db, world.application(db, city.e2, "2026-12-01T02:00:00"),
        make_product(db, city.bank_b, product_type="credit", name="信用贷"),
        "2026-12-01T02:00:00",
    )  # fmt: skip
    assert lead_row.id is not None
    now = datetime.now(UTC)
    db.add(LeadDeadline(
        lead_id=lead_row.id, lender_code="bank-b", kind=DeadlineKind.RESPOND, working_days=3,
        started_at=now - timedelta(days=3), due_at=now + timedelta(hours=1),
    ))  # fmt: skip
    db.flush()
    refresh(db, actor=ACTOR)
    due_month = city_month(now + timedelta(hours=1))
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        done = refresh(db, actor=ACTOR)
    assert done.since_month == due_month
    breaches = {row["month"]: row["breaches"] for row in held_league(db)
                if row["lender_code"] == "bank-b"}  # fmt: skip
    assert breaches[due_month] == 1
    assert_equal_to_a_rebuild(db)


def test_full_rebuilds_every_month(db: Session, city: world.City) -> None:
    world.repayment(db, first_loan(db, city), "2026-09", 5_000_000)
    done = refresh(db, actor=ACTOR, through="2026-12", full=True)
    assert (done.full, done.since_month, done.first_month) == (True, None, "2026-09")
    assert done.cells == len(held_cells(db))
    assert_equal_to_a_rebuild(db)
