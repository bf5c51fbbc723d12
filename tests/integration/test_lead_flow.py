"""A need's whole way to a loan, with real processes: PostgreSQL, Redis, ``xyd worker``,
``xyd serve`` and three ``xyd bank-sim`` banks that receive leads by webhook and answer through
the API with their keys. Bank A declines, bank B stays silent until its offer expires, bank C
lends; the application is passed on after the decline and after the expiry.

Everything here commits, so it runs on a PostgreSQL database of its own (``<test db>_flow``).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from app.accounts import service as account_service
from app.accounts.schemas import ApiKeyCreate
from app.applications.models import ApplicationStatus, FinancingApplication
from app.audit.service import SystemActor
from app.core import db as core_db
from app.core.clock import to_local, utcnow
from app.core.db import session_scope
from app.core.taskqueue import configure_celery, send_now
from lenders.delivery import webhooks
from lenders.leads import deadlines
from lenders.leads.models import DeadlineKind, DeadlineOutcome, Lead, LeadDeadline, LeadStatus
from lenders.leads.sweep import sweep
from lenders.loans.models import Loan
from tests.banksim_fixtures import BankSim
from tests.clock import CityClock
from tests.conftest import (
    POSTGRES_URL,
    fresh_schema,
    postgres_reachable,
    redis_reachable,
    unavailable,
)
from tests.factories import (
    make_application,
    make_authorization,
    make_enterprise,
    make_lender,
    make_product,
)
from tests.ops.test_worker import XYD, Worker, wait_for
from tests.whitelist_fixtures import champion_row, score
from tests.workers import create_database_once, free_port
from whitelist.refresh import refresh

pytestmark = [pytest.mark.redis, pytest.mark.slow]
ACTOR = SystemActor("test")
# bank A declines everything, bank B answers nothing, bank C accepts, approves and lends
ANSWERS = {
    "a": ("--answer-share", "1", "--accept-share", "0"),
    "b": ("--answer-share", "0"),
    "c": ("--answer-share", "1", "--accept-share", "1", "--approve-share", "1"),
}
RATES = {"a": 350, "b": 380, "c": 420}  # cheapest first: the banks are offered in this order


@pytest.fixture
def platform(
    city_clock: CityClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A database of the test's own and Redis; ``xyd serve`` on it; its base URL. Every process
    started from here (server, worker, banks) reads the test's clock."""
    from tests.conftest import REDIS_URL

    if not postgres_reachable():
        unavailable("PostgreSQL at " + POSTGRES_URL, "pg_ctlcluster ... main start")
    if not redis_reachable():
        unavailable("Redis at " + REDIS_URL, "redis-server --daemonize yes")
    url = make_url(POSTGRES_URL)
    database = url.set(database=f"{url.database}_flow").render_as_string(hide_password=False)
    assert create_database_once(base=POSTGRES_URL, url=database)
    fresh_schema(database).dispose()
    redis.Redis.from_url(REDIS_URL).flushdb()
    for name, value in {
        "XYD_DATABASE_URL": database,
        "XYD_BROKER_URL": REDIS_URL,
        "XYD_ENV": "development",
        "XYD_DATA_DIR": str(tmp_path / "data"),
        "XYD_LOG_LEVEL": "WARNING",
        **city_clock.env({"PYTHONPATH": os.environ.get("PYTHONPATH", "")}),
    }.items():
        monkeypatch.setenv(name, value)
    core_db.reset_caches()
    configure_celery()
    port = free_port()
    server = subprocess.Popen(
        [XYD, "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=(tmp_path / "serve.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(base), timeout=60, what="xyd serve")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        monkeypatch.undo()
        core_db.reset_caches()
        configure_celery()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Flow:
    application_id: int
    banks: dict[str, BankSim]
    codes: dict[str, str]


@pytest.fixture
def flow(platform: str, tmp_path: Path) -> Iterator[Flow]:
    """One whitelisted applicant; three banks with a product, a key, a secret and a webhook."""
    keys: dict[str, tuple[str, str, int]] = {}
    with session_scope() as session:
        session.add(champion_row())
        firm = make_enterprise(session, registration_date=utcnow().date() - timedelta(days=800))
        score(session, firm.uscc, "A")
        application = make_application(session, firm)
        make_authorization(session, firm.uscc, scope="matched_banks")
        for name, rate in RATES.items():
            lender = make_lender(session, code=f"flow-{name}")
            assert lender.id is not None
            make_product(session, lender, min_rate_bp=rate)
            _row, key = account_service.create_api_key(
                session, lender_id=lender.id, data=ApiKeyCreate(name="sim"), actor=ACTOR
            )
            _secret, value = webhooks.create_secret(session, lender_id=lender.id, actor=ACTOR)
            keys[name] = (key, value, lender.id)
        refresh(session, actor=ACTOR)
        assert application.id is not None
        application_id = application.id
    banks = {
        name: BankSim(
            f"--secret={secret}", "--platform", platform, f"--api-key={key}", *ANSWERS[name]
        )
        for name, (key, secret, _id) in keys.items()
    }
    with session_scope() as session:
        for name, (_key, _secret, lender_id) in keys.items():
            webhooks.set_url(session, lender_id=lender_id, url=banks[name].webhook, actor=ACTOR)
    try:
        yield Flow(application_id, banks, {name: f"flow-{name}" for name in RATES})
    finally:
        for bank in banks.values():
            bank.stop()


def topics(bank: BankSim) -> list[str]:
    return sorted(event["type"] for event in bank.events().values())


def leads() -> dict[str, LeadStatus]:
    with session_scope() as session:
        rows = session.exec(select(Lead).order_by(col(Lead.id))).all()
        return {lead.lender_code: lead.status for lead in rows}


def test_declined_then_expired_then_lent(
    flow: Flow, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    worker = Worker(tmp_path / "worker.log")
    request.addfinalizer(worker.stop)
    send_now("leads.route")  # what beat sends every five minutes
    a, b, c = (flow.codes[name] for name in "abc")
    wait_for(lambda: leads().get(a) == LeadStatus.DECLINED, timeout=90, what="bank A to decline")
    wait_for(lambda: "lead.created" in topics(flow.banks["b"]), timeout=60, what="B's offer")
    assert "lead.declined" in topics(flow.banks["a"])  # A is told of its own answer, too
    assert leads() == {a: LeadStatus.DECLINED, b: LeadStatus.OFFERED}
    with session_scope() as session:  # B's three working days pass unanswered: its offer expires
        deadlines.fall_due(session, kind=DeadlineKind.RESPOND, now=utcnow())
    with session_scope() as session:
        swept = sweep(session, actor=ACTOR)
    assert (swept.expired, swept.reoffered) == (1, 1)
    wait_for(lambda: leads().get(c) == LeadStatus.DISBURSED, timeout=90, what="bank C to lend")
    assert leads() == {a: LeadStatus.DECLINED, b: LeadStatus.EXPIRED, c: LeadStatus.DISBURSED}
    with session_scope() as session:
        application = session.get(FinancingApplication, flow.application_id)
        assert application is not None and application.status is ApplicationStatus.DISBURSED
        loan = session.exec(select(Loan)).one()
        assert loan.lender_code == c and loan.first_loan
        assert loan.disbursed_on == to_local(utcnow()).date()  # the city's day, at any hour
        moves = session.exec(select(Lead).order_by(col(Lead.id))).all()
        assert all(m.responded_at is None or m.offered_at <= m.responded_at for m in moves)
        missed = session.exec(
            select(LeadDeadline).where(LeadDeadline.outcome == DeadlineOutcome.MISSED)
        ).all()
        assert [(d.lender_code, d.kind) for d in missed] == [(b, DeadlineKind.RESPOND)]
    assert "lead.expired" in topics(flow.banks["b"])
    assert {"lead.created", "lead.accepted", "lead.approved", "lead.disbursed"} <= set(
        topics(flow.banks["c"])
    )
    for bank in flow.banks.values():
        stats = bank.stats()
        assert stats["rejected_signature"] == 0 and stats.get("answer_errors", {}) == {}
