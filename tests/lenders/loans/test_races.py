"""Two banks disbursing to one enterprise at once: exactly one loan is its first (PostgreSQL).

SQLite serialises writers, so there is no race to lose there; like every PostgreSQL test this
fails in CI when the server is down.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from app.core.db import make_engine
from app.core.migrations import upgrade
from lenders.leads.models import Lead
from lenders.loans import service as loan_service
from lenders.loans.schemas import DisbursementCreate
from tests.conftest import POSTGRES_URL, database_url
from tests.factories import make_enterprise
from tests.lenders.loans.helpers import BANK, approved_lead, disbursement

SCHEMA = "loans_race"


@pytest.fixture
def race_engine() -> Iterator[Engine]:
    """A schema of its own, because the racing transactions really commit."""
    engine = make_engine(database_url("postgresql"))
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    race = make_engine(POSTGRES_URL, connect_args={"options": f"-c search_path={SCHEMA}"})
    upgrade(race)
    yield race
    race.dispose()
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    engine.dispose()


def test_concurrent_disbursements_make_one_first_loan(
    race_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = sessionmaker(bind=race_engine, expire_on_commit=False, class_=Session)
    with sessions.begin() as setup:
        firm = make_enterprise(setup)
        leads = [approved_lead(setup, enterprise=firm).lead.id for _ in range(2)]

    has_loan = loan_service.repository.has_loan

    def slow_has_loan(session: Session, uscc: str) -> bool:
        found = has_loan(session, uscc)
        time.sleep(0.5)  # hold the decision uncommitted while the other bank arrives
        return found

    monkeypatch.setattr(loan_service.repository, "has_loan", slow_has_loan)
    start = threading.Barrier(2)
    flags: list[Any] = [None, None]

    def disburse(slot: int) -> None:
        start.wait()
        time.sleep(0.1 * slot)
        with sessions.begin() as session:
            lead = session.get(Lead, leads[slot])
            assert lead is not None
            data = DisbursementCreate.model_validate(disbursement())
            flags[slot] = loan_service.disburse(
                session, lead=lead, data=data, actor=BANK
            ).first_loan

    threads = [threading.Thread(target=disburse, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(flags) == [False, True]
