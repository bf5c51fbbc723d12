"""A disbursement covered and a repayment of another covered loan of the same bank commit at
once (PostgreSQL, two sessions for real): the bank's running position ends at the sum of both
changes, as the loans say, because each change adds to the row under its lock. Without the
lock the second writer would overwrite the first's figure."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from app.core.db import make_engine
from app.core.migrations import upgrade
from lenders.fund import capital, position, repository
from lenders.fund.schemas import ContributionCreate
from lenders.leads.models import Lead
from lenders.loans import service as loan_service
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.models import Loan
from lenders.loans.schemas import DisbursementCreate, RepaymentCreate
from lenders.products.models import LoanProduct
from tests.conftest import POSTGRES_URL, database_url
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, decision, disburse, sign
from tests.lenders.fund.test_ledger_races import race
from tests.lenders.loans.helpers import BANK, approved_lead, days_ago, disbursement

SCHEMA = "position_race"


@pytest.fixture
def world() -> Iterator[tuple[sessionmaker[Session], str, int, int]]:
    """A bank with a covered loan of 400,000 yuan and an approved lead of another firm:
    sessions on a schema of their own, the bank, the loan's id, the lead's id."""
    engine = make_engine(database_url("postgresql"))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    raced: Engine = make_engine(POSTGRES_URL, connect_args={"options": f"-c search_path={SCHEMA}"})
    upgrade(raced)
    made = sessionmaker(bind=raced, expire_on_commit=False, class_=Session)
    with made.begin() as setup:
        capital.contribute(
            setup, data=ContributionCreate(amount_yuan="1000000"), key="seed", actor=OFFICE
        )
        bank = make_lender(setup)
        sign(setup, bank, allocation_yuan="100000")
        loan = disburse(setup, bank, yuan="400000.00")
        assert decision(setup, loan).covered and loan.id is not None
        lead = approved_lead(setup, lender=bank).lead
        product = setup.get(LoanProduct, lead.product_id)
        assert lead.id is not None and product is not None
        product.fund_eligible = True
        setup.add(product)
        ids = (bank.code, loan.id, lead.id)
    yield made, *ids
    raced.dispose()
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture(autouse=True)
def slow_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each change waits a moment before it locks the bank's row, so that both have read
    their loan's figures before either writes."""
    lock = position.locked

    def slow_lock(session: Session, lender_code: str) -> Any:
        time.sleep(0.3)
        return lock(session, lender_code)

    monkeypatch.setattr(position, "locked", slow_lock)


def test_a_cover_and_a_repayment_of_one_bank_both_count(
    world: tuple[sessionmaker[Session], str, int, int],
) -> None:
    sessions, bank, loan_id, lead_id = world

    def change(slot: int) -> str:
        with sessions.begin() as session:
            if slot == 0:
                lead = session.get(Lead, lead_id)
                assert lead is not None
                data = DisbursementCreate.model_validate(disbursement(amount_yuan="300000.00"))
                made = loan_service.disburse(session, lead=lead, data=data, actor=BANK)
                return "disbursed" if decision(session, made).covered else "refused"
            loan = session.get(Loan, loan_id, with_for_update=True)
            assert loan is not None
            paid = RepaymentCreate.model_validate(
                {
                    "period": today().strftime("%Y-%m"),
                    "paid_on": days_ago(0).isoformat(),
                    "principal_yuan": "100000.00",
                    "interest_yuan": "0",
                }
            )
            servicing.record_repayment(session, loan=loan, data=paid, actor=BANK)
            return "repaid"

    started = time.monotonic()
    outcomes = race(change)
    assert time.monotonic() - started < 30, "the two changes deadlocked"
    assert sorted(outcomes) == ["disbursed", "repaid"]
    with sessions.begin() as session:
        # 400,000 − 100,000 repaid + 300,000 covered
        assert position.figures(session, bank).covered_outstanding_fen == 60_000_000
        assert repository.covered_outstanding(session, lender_code=bank) == 60_000_000
        assert position.drift(session).none
