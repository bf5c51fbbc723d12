"""The demo's banks chapter: the whitelisted needs go to simulated banks and come back answered.

Two simulated banks (``xyd bank-sim`` processes, real HTTP) receive the leads by signed webhook;
one of them answers 30 % of deliveries with HTTP 500. Each bank's teller answers its leads
through the platform's public API with the bank's API key — accepting, declining, approving
and disbursing by the enterprise's grade — while the platform serves that API on a local port.
Unanswered offers are then brought due and expired by the deadline sweep, as if their three
working days had passed, and the applications pass to the next bank. No clock is moved: every
time the demo records is the real one, so offers, answers and whitelist exits keep their order.
The platform does not know the banks are simulated.

Runs after the rest of the demo has committed, in transactions of its own, because the banks
call the platform over HTTP. The banks' webhook URLs are switched off at the end: their
processes stop with the demo, and ``make run`` keeps the events for pulling instead.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts import service as account_service
from app.accounts.schemas import ApiKeyCreate
from app.audit.service import SystemActor
from app.core.clock import utcnow
from app.core.db import session_scope
from app.core.taskqueue import wait_for_inline_tasks
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery import repository as delivery_repository
from lenders.delivery import webhooks
from lenders.delivery.dispatch import deliver_due
from lenders.institutions import repository as lender_repository
from lenders.leads import deadlines
from lenders.leads.models import DeadlineKind, Lead, LeadStatus
from lenders.leads.routing import route_pending
from lenders.leads.sweep import sweep
from lenders.loans.models import Loan
from lenders.products import service as product_service
from lenders.products.models import LoanProduct
from lenders.products.schemas import ProductCreate

ACTOR = SystemActor("demo")
FAIL_SHARES = (0.0, 0.3)  # the second bank answers 30 % of deliveries with HTTP 500
QUIET_SECONDS = 0.3
ROUNDS = 12
SWEEPS = 2
# Each demo bank's products: type, name, grades it lends to, lowest annual rate (basis points),
# and whether the risk-buffer fund may cover its loans (the other's are refused cover, with why).
PRODUCTS = (
    ("pure_credit", "纯信用贷", ["A", "B"], 365, True),
    ("credit", "信用贷", ["A", "B", "C"], 420, False),
)


@dataclass
class SimulatedBank:
    code: str
    process: subprocess.Popen[str]
    url: str

    def stats(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/_sim/stats", timeout=10).json()

    def received(self) -> set[str]:
        events = httpx.get(f"{self.url}/_sim/events", timeout=30).json()["data"]
        return {event["id"] for event in events}


def run(*, app_factory: Any, lender_codes: Sequence[str]) -> dict[str, Any]:
    """Keys for the demo summary: leads_delivered, leads_expired, decisions, approved, loans,
    first_loans, deliveries_dead_lettered, events_lost."""
    with session_scope() as session:
        # the banks' ledgers start empty: only the events from here on can be checked against them
        since = session.exec(select(func.max(OutboxEvent.id))).one() or 0
        _publish_products(session, lender_codes)
        keys = {code: _api_key(session, code) for code in lender_codes}
        secrets = {code: _signing_secrets(session, code) for code in lender_codes}
    with _serving(app_factory) as platform, _banks(platform, keys, secrets) as banks:
        _point_webhooks(banks)
        try:
            with session_scope() as session:
                route_pending(session, actor=ACTOR)
            _settle(banks)
            for _ in range(SWEEPS):  # as if the silent banks' deadlines had passed, twice
                with session_scope() as session:
                    deadlines.fall_due(session, kind=DeadlineKind.RESPOND, now=utcnow())
                with session_scope() as session:
                    sweep(session, actor=ACTOR)
                _settle(banks)
            received = set().union(*(bank.received() for bank in banks))
        finally:
            _point_webhooks(banks, off=True)
    with session_scope() as session:
        return _summary(session, received=received, since=since)


def publish_products(lender_codes: Sequence[str]) -> None:
    """The banks' products alone, in a transaction of their own (``xyd demo
    --no-simulated-banks``): the needs can be matched, and people answer the leads."""
    with session_scope() as session:
        _publish_products(session, lender_codes)


def _publish_products(session: Session, lender_codes: Sequence[str]) -> None:
    """Two products per bank, once: a pure-credit loan for grades A–B and a credit loan for A–C."""
    for index, code in enumerate(lender_codes):
        lender = lender_repository.get_by_code(session, code)
        assert lender is not None and lender.id is not None
        if session.exec(select(LoanProduct.id).where(LoanProduct.lender_id == lender.id)).first():
            continue
        for product_type, name, grades, rate, fund_eligible in PRODUCTS:
            data = ProductCreate.model_validate(
                {
                    "product_type": product_type,
                    "name": f"{lender.name}{name}",
                    "description": "信易贷平台合作产品（演示）",
                    "min_amount_yuan": "50000",
                    "max_amount_yuan": "5000000",
                    "min_term_months": 6,
                    "max_term_months": 36,
                    "min_rate_bp": rate + 10 * index,
                    "max_rate_bp": rate + 200,
                    "grades": grades,
                    "fund_eligible": fund_eligible,
                }
            )
            product_service.create(session, lender_id=lender.id, data=data, actor=ACTOR)


def _api_key(session: Session, code: str) -> str:
    lender = lender_repository.get_by_code(session, code)
    assert lender is not None and lender.id is not None
    _row, key = account_service.create_api_key(
        session, lender_id=lender.id, data=ApiKeyCreate(name="bank-sim 模拟银行"), actor=ACTOR
    )
    return key


def _signing_secrets(session: Session, code: str) -> list[str]:
    lender = lender_repository.get_by_code(session, code)
    assert lender is not None and lender.id is not None
    now = utcnow()
    current = webhooks.signing_secrets(session, now=now).get(lender.id, [])
    if current:
        return current
    return [webhooks.create_secret(session, lender_id=lender.id, actor=ACTOR, now=now)[1]]


@contextmanager
def _serving(app_factory: Any) -> Iterator[str]:
    """The platform's API on a free local port, for the banks' tellers."""
    config = uvicorn.Config(
        app_factory(), host="127.0.0.1", port=0, log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="demo-platform", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the platform's API did not start for the demo banks")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def _banks(
    platform: str, keys: dict[str, str], secrets: dict[str, list[str]]
) -> Iterator[list[SimulatedBank]]:
    banks: list[SimulatedBank] = []
    try:
        for index, code in enumerate(keys):
            command = [sys.executable, "-m", "banksim", "--port", "0", "--seed", str(index + 1)]
            command += [f"--secret={secret}" for secret in secrets[code]]
            command += ["--fail-share", str(FAIL_SHARES[index % len(FAIL_SHARES)])]
            command += ["--platform", platform, f"--api-key={keys[code]}"]
            # our own interpreter and arguments, nothing from outside
            process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
            line = process.stdout.readline() if process.stdout else ""
            if "listening on" not in line:
                process.kill()
                raise RuntimeError(f"bank-sim for {code} did not start: {line!r}")
            banks.append(SimulatedBank(code=code, process=process, url=line.split()[-1]))
        yield banks
    finally:
        for bank in banks:
            bank.process.terminate()
            bank.process.wait(timeout=10)


def _point_webhooks(banks: list[SimulatedBank], *, off: bool = False) -> None:
    with session_scope() as session:
        for bank in banks:
            lender = lender_repository.get_by_code(session, bank.code)
            assert lender is not None and lender.id is not None
            url = None if off else f"{bank.url}/webhooks/xyd"
            webhooks.set_url(session, lender_id=lender.id, url=url, actor=ACTOR)


def _settle(banks: list[SimulatedBank]) -> None:
    """Deliver and let the banks answer until nothing is pending and every teller is idle.

    Retries after a 500 are made due at once each round instead of after their back-off, well
    inside the three days before a dead letter.
    """
    for _ in range(ROUNDS):
        with session_scope() as session:
            delivery_repository.hurry_pending(session, now=utcnow())
        deliver_due(max_seconds=30)
        _wait_for_tellers(banks)
        if not wait_for_inline_tasks() and not _pending():
            return


def _wait_for_tellers(banks: list[SimulatedBank]) -> None:
    """Until every teller has answered what it received (their calls send more events)."""
    deadline = time.monotonic() + QUIET_SECONDS * 20
    while time.monotonic() < deadline:
        time.sleep(QUIET_SECONDS)
        if not any(bank.stats().get("waiting", 0) for bank in banks):
            return


def _pending() -> int:
    with session_scope() as session:
        return session.exec(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.status == DeliveryStatus.PENDING)
        ).one()


def _summary(session: Session, *, received: set[str], since: int) -> dict[str, Any]:
    def count(query: Any) -> int:
        return int(session.exec(query).one())

    leads = select(func.count()).select_from(Lead)
    delivered_ids = set(
        session.exec(
            select(OutboxEvent.event_id).where(
                OutboxEvent.status == DeliveryStatus.DELIVERED, col(OutboxEvent.id) > since
            )
        ).all()
    )
    return {
        "leads_delivered": count(
            select(func.count())
            .select_from(OutboxEvent)
            .where(
                OutboxEvent.topic == "lead.created",
                OutboxEvent.status == DeliveryStatus.DELIVERED,
            )
        ),
        "leads_expired": count(leads.where(Lead.status == LeadStatus.EXPIRED)),
        "decisions": count(leads.where(col(Lead.decided_at).is_not(None))),
        "approved": count(
            leads.where(col(Lead.status).in_([LeadStatus.APPROVED, LeadStatus.DISBURSED]))
        ),
        "loans": count(select(func.count()).select_from(Loan)),
        "first_loans": count(select(func.count()).select_from(Loan).where(col(Loan.first_loan))),
        "deliveries_dead_lettered": count(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.status == DeliveryStatus.DEAD)
        ),
        "events_lost": len(delivered_ids - received),
    }
