"""The incremental refresh equals a whole rebuild: on the hand-built city, random batches of the
platform's events (applications, offers and answers with their deadlines, loans, repayments for
past periods, defaults, recoveries, whitelist changes, source files, figures for old months,
enterprises moving district), each written at a moment the clock is moved to — across month
ends and the city's small hours — then an incremental refresh; after each, the table holds
exactly what a whole rebuild computes from the same rows at the same moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.applications.models import FinancingApplication
from app.audit.service import SystemActor
from app.core.clock import to_local
from app.core.config import get_settings
from app.enterprises.models import Enterprise
from app.monitoring.measures import month_of
from app.monitoring.models import MonitoringFigure
from app.monitoring.refresh import refresh
from lenders.leads.models import (
    DeadlineKind,
    DeadlineOutcome,
    Lead,
    LeadDeadline,
    LeadStatus,
    LeadTransition,
)
from lenders.loans.models import Loan, LoanRecovery, LoanRepayment
from lenders.products.models import LoanProduct
from tests.factories import make_application, make_product
from tests.monitoring import world
from tests.monitoring.refresh_checks import assert_equal_to_a_rebuild
from whitelist.models import ChangeKind, Trigger, WhitelistChange

ACTOR = SystemActor("test")
# 23:00 and 01:00 in the city, days before a month's end
STARTS = [datetime(2026, 12, 28, 15, 0, tzinfo=UTC), datetime(2027, 1, 29, 17, 0, tzinfo=UTC)]
ANSWERS = [LeadStatus.ACCEPTED, LeadStatus.DECLINED, LeadStatus.APPROVED, LeadStatus.REJECTED]

index = st.integers(min_value=0, max_value=50)
event = st.one_of(
    st.tuples(st.just("apply"), index),
    st.tuples(st.just("offer"), index, index, st.integers(min_value=-48, max_value=96)),
    st.tuples(st.just("answer"), index, st.sampled_from(ANSWERS)),
    st.tuples(st.just("lend"), index, st.integers(min_value=0, max_value=120), st.booleans()),
    st.tuples(st.just("repay"), index, st.integers(min_value=0, max_value=5)),
    st.tuples(st.just("default"), index, st.integers(min_value=0, max_value=60)),
    st.tuples(st.just("recover"), index, st.integers(min_value=1, max_value=10**6)),
    st.tuples(st.just("whitelist"), index, st.booleans()),
    st.tuples(st.just("batch"), st.integers(min_value=1, max_value=900), st.booleans()),
    st.tuples(st.just("figure"), st.integers(min_value=0, max_value=5), index),
    st.tuples(st.just("move"), index, st.sampled_from(["330502", "330503", "330521"])),
)
batch = st.tuples(st.integers(min_value=0, max_value=24 * 25), st.lists(event, max_size=8))


class Pool:
    """What the events act on: the city's enterprises and products, and what they made."""

    def __init__(self, db: Session, city: world.City) -> None:
        self.db = db
        self.enterprises = [city.e1, city.e2]
        self.products = [
            make_product(db, city.bank_a, product_type="credit", name="信用贷"),
            make_product(db, city.bank_b, product_type="collateral", name="抵押贷"),
        ]
        self.banks = [city.bank_a.code, city.bank_b.code]
        self.needs = list(db.exec(select(FinancingApplication)).all())
        self.leads = list(db.exec(select(Lead)).all())
        self.loans = list(db.exec(select(Loan)).all())
        self.figures = 0

    def pick(self, rows: list[Any], number: int) -> Any:
        return rows[number % len(rows)] if rows else None


def apply(pool: Pool, now: datetime, kind: str, *args: Any) -> None:
    db, today = pool.db, to_local(now).date()
    if kind in LOAN_EVENTS:
        _loan_event(pool, today, now, kind, *args)
    elif kind == "apply":
        pool.needs.append(make_application(db, pool.pick(pool.enterprises, args[0])))
    elif kind == "offer" and pool.needs:
        need, product = pool.pick(pool.needs, args[0]), pool.pick(pool.products, args[1])
        bank = pool.banks[args[1] % len(pool.banks)]
        taken = {(lead.application_id, lead.lender_code) for lead in pool.leads}
        if (need.id, bank) not in taken:  # one lead per need and bank
            pool.leads.append(_offer(db, need, product, now, due=now + timedelta(hours=args[2])))
    elif kind == "answer" and pool.leads:
        _answer(db, pool.pick(pool.leads, args[0]), args[1], now)
    elif kind == "whitelist":
        uscc = pool.pick(pool.enterprises, args[0]).uscc
        joined = ChangeKind.JOIN if args[1] else ChangeKind.EXIT
        db.add(WhitelistChange(uscc=uscc, kind=joined, trigger=Trigger.REFRESH, at=now))
    elif kind == "batch":
        world.batch(db, now.replace(tzinfo=None).isoformat(), args[0], int(args[1]),
                    *([("uscc",)] if args[1] else []))  # fmt: skip
    elif kind == "figure":
        pool.figures += 1
        db.add(MonitoringFigure(
            measure="market_entities", district="330502", month=_months_back(today, args[0]),
            version=pool.figures, value=1_000 + args[1], entered_by="office", entered_at=now,
        ))  # fmt: skip
    elif kind == "move":
        enterprise = db.get(Enterprise, pool.pick(pool.enterprises, args[0]).uscc)
        assert enterprise is not None
        enterprise.district, enterprise.updated_at = args[1], now
        db.add(enterprise)
    db.flush()


LOAN_EVENTS = ("lend", "repay", "default", "recover")


def _loan_event(pool: Pool, today: date, now: datetime, kind: str, *args: Any) -> None:
    db = pool.db
    if kind == "lend" and pool.leads:
        lead = pool.pick(pool.leads, args[0])
        if all(loan.lead_id != lead.id for loan in pool.loans):  # one loan per lead
            pool.loans.append(_lend(db, lead, today - timedelta(args[1]), first=args[2]))
    elif kind == "repay" and pool.loans:
        _repay(db, pool.pick(pool.loans, args[0]), today, months_back=args[1])
    elif kind == "default" and pool.loans:
        _default(db, pool.pick(pool.loans, args[0]), today - timedelta(args[1]), now)
    elif kind == "recover" and pool.loans:
        loan = pool.pick(pool.loans, args[0])
        if loan.defaulted_on is not None:
            db.add(LoanRecovery(loan_id=loan.id, recovered_on=today, amount_fen=args[1],
                                reported_by="bank"))  # fmt: skip


def _offer(db: Session, need: Any, product: LoanProduct, now: datetime, *, due: datetime) -> Lead:
    row = world.lead(db, need, product, now.replace(tzinfo=None).isoformat())
    assert row.id is not None
    db.add(LeadDeadline(lead_id=row.id, lender_code=row.lender_code, kind=DeadlineKind.RESPOND,
                        working_days=3, started_at=now, due_at=max(due, now)))  # fmt: skip
    return row


NEXT = {
    LeadStatus.OFFERED: {LeadStatus.ACCEPTED, LeadStatus.DECLINED},
    LeadStatus.ACCEPTED: {LeadStatus.APPROVED, LeadStatus.REJECTED},
}  # the moves a bank may make (another answer is refused: illegal_lead_transition)


def _answer(db: Session, lead: Lead, status: LeadStatus, now: datetime) -> None:
    if status not in NEXT.get(lead.status, set()):
        return
    db.add(LeadTransition(lead_id=lead.id or 0, from_status=lead.status, to_status=status,
                          actor="bank", actor_role="lender_user", at=now))  # fmt: skip
    lead.status = status
    lead.decline_reason = "credit_risk" if status is LeadStatus.DECLINED else None
    db.add(lead)
    deadline = db.exec(select(LeadDeadline).where(LeadDeadline.lead_id == lead.id)).first()
    if deadline is not None and deadline.outcome is DeadlineOutcome.OPEN:
        deadline.outcome = DeadlineOutcome.MET if now <= deadline.due_at else DeadlineOutcome.MISSED
        deadline.ended_at = now
        db.add(deadline)


def _lend(db: Session, lead: Lead, on: date, *, first: bool) -> Loan:
    return world.loan(db, lead, principal_fen=10_000_000 + (lead.id or 0) * 1_000, rate_bp=420,
                      disbursed_on=on, first=first)  # fmt: skip


def _repay(db: Session, loan: Loan, today: date, *, months_back: int) -> None:
    period = max(_months_back(today, months_back), month_of(loan.disbursed_on))
    known = db.exec(
        select(LoanRepayment).where(
            LoanRepayment.loan_id == loan.id, LoanRepayment.period == period
        )
    ).first()
    if known is None:
        world.repayment(db, loan, period, 1_000_000)


def _default(db: Session, loan: Loan, on: date, now: datetime) -> None:
    if loan.defaulted_on is None:
        loan.defaulted_on = max(on, loan.disbursed_on)
        loan.outstanding_at_default_fen = loan.principal_fen // 2
        loan.updated_at = now
        db.add(loan)


def _months_back(today: date, count: int) -> str:
    year, month = today.year, today.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


@pytest.fixture
def no_overlap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look for written rows from the last refresh's start exactly: the overlap only widens."""
    monkeypatch.setattr(get_settings().schedule, "monitoring_overlap_seconds", 0)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.sampled_from(STARTS), batches=st.lists(batch, min_size=1, max_size=4))
def test_incremental_refresh_equals_a_whole_rebuild(
    db: Session, no_overlap: None, start: datetime, batches: list[Any]
) -> None:
    savepoint = db.begin_nested()
    try:
        with time_machine.travel(start, tick=False):
            pool = Pool(db, world.build(db))
            assert refresh(db, actor=ACTOR).full
        now = start
        for hours, events in batches:
            now += timedelta(hours=hours, minutes=7)
            with time_machine.travel(now, tick=False):
                for kind, *args in events:
                    apply(pool, now, kind, *args)
                done = refresh(db, actor=ACTOR)
                assert not done.full
                assert_equal_to_a_rebuild(db)
    finally:
        savepoint.rollback()
        db.expunge_all()  # the next example starts from the bare database
