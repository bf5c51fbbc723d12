"""Two payouts race for the last money in the fund, and two replays of one key race to post it
(PostgreSQL, committing for real). SQLite serialises writers, so nothing races there; like
every PostgreSQL test this fails in CI when the server is down."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from app.core.db import make_engine
from app.core.migrations import upgrade
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import LimitExceeded
from lenders.fund.ledger.models import Limit
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.ledger.service import Posting
from tests.conftest import POSTGRES_URL, database_url

SCHEMA = "ledger_race"
ACTOR = "race"


@pytest.fixture
def sessions() -> Iterator[sessionmaker[Session]]:
    """Sessions on a schema of their own, holding a fund of 1,000 yuan."""
    engine = make_engine(database_url("postgresql"))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    race: Engine = make_engine(POSTGRES_URL, connect_args={"options": f"-c search_path={SCHEMA}"})
    upgrade(race)
    made = sessionmaker(bind=race, expire_on_commit=False, class_=Session)
    with made.begin() as setup:
        ledger.open_account(setup, code="capital", name="财政出资")
        ledger.open_account(setup, code="cash", name="基金专户", limit=Limit.CREDITS_WITHIN_DEBITS)
        ledger.open_account(setup, code="payouts", name="代偿支出")
        posting = Posting("contribution", "cash", "capital", 100_000, "contribution")
        ledger.post(setup, journal="contribution", postings=[posting], actor=ACTOR)
    yield made
    race.dispose()
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture(autouse=True)
def slow_posting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each posting holds its transaction open a moment after reading, so the two overlap."""
    read = ledger.repository.transfers_by_keys

    def slow_read(session: Session, keys: Any) -> Any:
        found = read(session, keys)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(ledger.repository, "transfers_by_keys", slow_read)


def race(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(0)`` and ``work(1)`` at once; what each returned or raised."""
    start = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def run(slot: int) -> None:
        start.wait()
        try:
            outcomes[slot] = work(slot)
        except Exception as error:
            outcomes[slot] = error

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_payouts_race_for_the_last_money_and_one_is_paid(
    sessions: sessionmaker[Session],
) -> None:
    def pay(slot: int) -> int:
        with sessions.begin() as session:
            posting = Posting(f"claim-{slot}", "payouts", "cash", 80_000, "payout")
            [paid] = ledger.post(session, journal=f"claim-{slot}", postings=[posting], actor=ACTOR)
            return paid.amount_fen

    outcomes = race(pay)
    assert sorted(type(o).__name__ for o in outcomes) == ["LimitExceeded", "int"]
    assert any(isinstance(o, LimitExceeded) for o in outcomes)
    with sessions.begin() as session:
        assert ledger.balance(session, "cash").debit_balance_fen == 20_000
        assert reconcile(session).ok


def test_two_replays_of_one_key_post_it_once(sessions: sessionmaker[Session]) -> None:
    def pay(_: int) -> int:
        with sessions.begin() as session:
            posting = Posting("claim-7", "payouts", "cash", 30_000, "payout")
            [paid] = ledger.post(session, journal="claim-7", postings=[posting], actor=ACTOR)
            assert paid.id is not None
            return paid.id

    first, second = race(pay)
    assert isinstance(first, int) and first == second
    with sessions.begin() as session:
        assert ledger.balance(session, "cash").debit_balance_fen == 70_000
        assert reconcile(session).entries == 2
