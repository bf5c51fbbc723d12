"""Two reviewed claims of one bank race to be approved and paid when its allocation holds the
money of only one (PostgreSQL, two sessions committing for real): one is paid, the other is
refused with FundExhausted, and the allocation never goes below zero. SQLite serialises
writers, so nothing races there; like every PostgreSQL test this fails in CI when the server
is down."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from app.audit.service import SystemActor
from app.core.db import make_engine
from app.core.migrations import upgrade
from lenders.fund import capital, claims, repository
from lenders.fund.exceptions import FundExhausted
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.models import ClaimStatus, FundClaim
from lenders.fund.schemas import ContributionCreate
from lenders.loans import servicing
from lenders.loans.schemas import DefaultCreate
from tests.conftest import POSTGRES_URL, database_url
from tests.factories import make_lender
from tests.lenders.fund.test_cover import OFFICE, decision, disburse, sign
from tests.lenders.fund.test_ledger_races import race
from tests.lenders.loans.helpers import BANK, days_ago

SCHEMA = "claims_race"
REVIEWER, APPROVER = SystemActor("reviewer"), SystemActor("approver")
PAYOUT_FEN = 4_000_000  # 40 % of a loss of 100,000 yuan


@pytest.fixture
def world() -> Iterator[tuple[sessionmaker[Session], str, list[int]]]:
    """A bank whose allocation of 50,000 yuan holds one payout of 40,000, not two, and two of
    its claims, reviewed: sessions on a schema of their own, the bank's code, the claims' ids."""
    engine = make_engine(database_url("postgresql"))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    raced: Engine = make_engine(POSTGRES_URL, connect_args={"options": f"-c search_path={SCHEMA}"})
    upgrade(raced)
    made = sessionmaker(bind=raced, expire_on_commit=False, class_=Session)
    with made.begin() as setup:
        data = ContributionCreate(amount_yuan="1000000")
        capital.contribute(setup, data=data, key="seed", actor=OFFICE)
        bank = make_lender(setup)
        sign(setup, bank, allocation_yuan="50000")
        loans = [disburse(setup, bank, yuan="100000.00") for _ in range(2)]
        assert all(decision(setup, loan).covered for loan in loans)
        ids = []
        for loan in loans:
            default = DefaultCreate(defaulted_on=days_ago(1))
            servicing.declare_default(setup, loan=loan, data=default, actor=BANK)
            assert loan.id is not None
            claim = claims.file(
                setup, loan_id=loan.id, lender_code=bank.code, actor=BANK, today=days_ago(0)
            )
            assert claim.id is not None
            claims.review(setup, claim_id=claim.id, actor=REVIEWER)
            ids.append(claim.id)
        code = bank.code
    yield made, code, ids
    raced.dispose()
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture(autouse=True)
def slow_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each approval holds its transaction open a moment after loading its claim, so the two
    are both under way before either sets money aside."""
    load = repository.claim

    def slow_load(session: Session, claim_id: int, **options: Any) -> Any:
        found = load(session, claim_id, **options)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(repository, "claim", slow_load)


def test_two_claims_race_for_the_last_money_and_one_is_paid(
    world: tuple[sessionmaker[Session], str, list[int]],
) -> None:
    sessions, bank, ids = world

    def approve_and_pay(slot: int) -> ClaimStatus:
        with sessions.begin() as session:
            claims.approve(session, claim_id=ids[slot], actor=APPROVER)
            return claims.pay(session, claim_id=ids[slot], actor=APPROVER).status

    started = time.monotonic()
    outcomes = race(approve_and_pay)
    assert time.monotonic() - started < 30, "the two approvals deadlocked"
    assert sorted(type(o).__name__ for o in outcomes) == ["ClaimStatus", "FundExhausted"]
    assert ClaimStatus.PAID in outcomes and any(isinstance(o, FundExhausted) for o in outcomes)
    with sessions.begin() as session:
        allocation = ledger.balance(session, f"allocation:{bank}")
        assert allocation.debit_balance_fen == 5_000_000 - PAYOUT_FEN >= 0
        assert ledger.balance(session, f"payouts:{bank}").debit_balance_fen == PAYOUT_FEN
        statuses = sorted(c.status.value for c in session.exec(select(FundClaim)))
        assert statuses == ["paid", "reviewed"]  # the refused one is untouched, still open
        assert reconcile(session).ok
