"""Delivery in this process against the real simulated bank over HTTP, with a fake clock.

Rows are committed (the delivery opens its own sessions); each test uses banks of its own and
deletes them with their events at the end, so no other test finds them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.audit.service import SystemActor
from app.core.clock import utcnow
from app.core.db import session_scope
from app.core.taskqueue import wait_for_inline_tasks
from app.outbox import service as outbox
from app.outbox.models import DeliveryStatus, OutboxEvent
from lenders.delivery import dead_letters, envelope, webhooks
from lenders.delivery.dispatch import deliver_due
from lenders.delivery.models import DeliveryAttempt, WebhookEndpoint
from lenders.delivery.sender import Limits, Sender
from lenders.institutions.models import Lender
from tests.banksim_fixtures import BankSim
from tests.lenders.delivery.cleanup import forget_banks

ACTOR = SystemActor("test")
_codes = itertools.count(1)


@dataclass
class FakeClock:
    now: datetime = field(default_factory=utcnow)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    bank: BankSim
    clock: FakeClock
    sender: Sender
    lender_ids: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def pushing_bank(self, *, secrets: int = 1, url: str | None = None) -> tuple[str, list[str]]:
        """A lender whose webhook points at the simulated bank; its secrets, newest first."""
        code = f"dispatch-{utcnow():%H%M%S%f}-{next(_codes)}"
        values: list[str] = []
        with session_scope() as session:
            lender = Lender(code=code, name="推送测试银行")
            session.add(lender)
            session.flush()
            assert lender.id is not None
            self.lender_ids.append(lender.id)
            self.codes.append(code)
            webhooks.set_url(
                session, lender_id=lender.id, url=url or self.bank.webhook, actor=ACTOR
            )
            for _ in range(secrets):
                values.insert(
                    0, webhooks.create_secret(session, lender_id=lender.id, actor=ACTOR)[1]
                )
        return code, values

    def publish(self, code: str, n: int = 1) -> list[str]:
        with session_scope() as session:
            events = [
                outbox.publish(
                    session, topic="lead.created", lender_codes=[code], payload={"n": i}
                )[0]
                for i in range(n)
            ]
            ids = [e.event_id for e in events]
        self.clock.now = max(self.clock.now, utcnow())  # the fake clock never runs behind
        return ids

    def deliver(self) -> None:
        deliver_due(clock=self.clock, sender=self.sender, max_seconds=30)


def event(event_id: str) -> OutboxEvent:
    with session_scope() as session:
        row = session.exec(select(OutboxEvent).where(OutboxEvent.event_id == event_id)).one()
        session.expunge(row)
        return row


def attempts(event_id: str) -> list[DeliveryAttempt]:
    with session_scope() as session:
        rows = session.exec(
            select(DeliveryAttempt)
            .join(OutboxEvent, col(OutboxEvent.id) == col(DeliveryAttempt.outbox_id))
            .where(OutboxEvent.event_id == event_id)
            .order_by(col(DeliveryAttempt.id))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


@pytest.fixture
def world(
    engine: Engine, bank: BankSim, sent_tasks: list[tuple[str, dict[str, object]]]
) -> Iterator[World]:
    """Publishing here sends no kick (``sent_tasks``): the test runs the delivery itself."""
    limits = Limits(connect_timeout=3, total_timeout=5, concurrency=8)
    sender = Sender(limits=limits, production=False, clock=(clock := FakeClock()))
    state = World(bank=bank, clock=clock, sender=sender)
    yield state
    sender.close()
    forget_banks(state.codes)


def test_an_event_is_posted_signed_and_acknowledged(world: World) -> None:
    code, secrets = world.pushing_bank()
    world.bank.use_secrets(*secrets)
    (event_id,) = world.publish(code)
    world.deliver()
    row = event(event_id)
    assert row.status is DeliveryStatus.DELIVERED and row.delivered_at == world.clock.now
    received = world.bank.events()[event_id]
    assert {k: received[k] for k in ("id", "type", "created_at", "data")} == envelope.envelope(row)
    (attempt,) = attempts(event_id)
    assert attempt.status_code == 200 and attempt.error is None and attempt.duration_ms >= 0


def test_events_of_a_bank_without_webhook_wait_to_be_pulled(world: World) -> None:
    code, _secrets = world.pushing_bank()
    with session_scope() as session:
        lender = session.exec(select(Lender).where(Lender.code == code)).one()
        webhooks.set_url(session, lender_id=lender.id or 0, url=None, actor=ACTOR)
    (event_id,) = world.publish(code)
    world.deliver()
    assert event(event_id).status is DeliveryStatus.PENDING
    assert event(event_id).attempts == 0 and attempts(event_id) == []


def test_failures_back_off_then_the_retry_is_acknowledged(world: World) -> None:
    code, secrets = world.pushing_bank()
    world.bank.use_secrets(*secrets)
    world.bank.behave(fail_share=1.0)
    (event_id,) = world.publish(code)
    world.deliver()
    failed = event(event_id)
    assert (failed.status, failed.attempts, failed.last_status_code) == (
        DeliveryStatus.PENDING,
        1,
        500,
    )
    wait = failed.next_attempt_at - world.clock.now
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=36)
    world.deliver()  # not due yet: nothing is posted
    assert len(attempts(event_id)) == 1
    world.bank.behave(fail_share=0.0)
    world.clock.now = failed.next_attempt_at
    world.deliver()
    assert event(event_id).status is DeliveryStatus.DELIVERED
    assert [a.status_code for a in attempts(event_id)] == [500, 200]
    assert event_id in world.bank.events()


def test_retries_run_out_three_days_after_the_event_then_redelivery(world: World) -> None:
    code, secrets = world.pushing_bank()
    world.bank.use_secrets(*secrets)
    world.bank.behave(down_now=True)  # 503 for three days
    (event_id,) = world.publish(code)
    created = event(event_id).created_at
    for _ in range(100):
        world.deliver()
        row = event(event_id)
        if row.status is not DeliveryStatus.PENDING:
            break
        world.clock.now = row.next_attempt_at
    assert row.status is DeliveryStatus.DEAD
    log = attempts(event_id)
    assert 15 <= len(log) <= 30, len(log)
    assert all(a.status_code == 503 for a in log)
    assert log[-1].at == created + timedelta(hours=72)  # the last try at the give-up time
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(log)]
    assert max(gaps) <= timedelta(hours=6)  # the cap
    assert gaps[1] > gaps[0]  # exponential at first
    # Staff redeliver: due now, with a new window; the bank is back.
    world.bank.behave(down_now=False)
    with session_scope() as session:
        dead_letters.redeliver(session, event_id=event_id, actor=ACTOR, now=world.clock.now)
    world.deliver()
    assert event(event_id).status is DeliveryStatus.DELIVERED
    assert event_id in world.bank.events()


def test_rotation_both_secrets_sign_and_either_is_enough(world: World) -> None:
    code, (new, old) = world.pushing_bank(secrets=2)
    world.bank.use_secrets(old)
    (first,) = world.publish(code)
    world.deliver()
    world.bank.use_secrets(new)
    (second,) = world.publish(code)
    world.deliver()
    assert {first, second} <= set(world.bank.events())
    assert event(first).status is event(second).status is DeliveryStatus.DELIVERED


def test_a_bank_refusing_the_signature_is_a_failed_attempt(world: World) -> None:
    code, _secrets = world.pushing_bank()
    world.bank.use_secrets("whsec_not_the_platforms")
    (event_id,) = world.publish(code)
    world.deliver()
    assert event(event_id).last_status_code == 401
    assert event(event_id).status is DeliveryStatus.PENDING


def test_an_address_that_turned_private_is_not_contacted(world: World) -> None:
    # As if the bank's DNS now answered with an internal address (rebinding): refused at send.
    code, _secrets = world.pushing_bank()
    with session_scope() as session:
        lender = session.exec(select(Lender).where(Lender.code == code)).one()
        endpoint = session.exec(
            select(WebhookEndpoint).where(WebhookEndpoint.lender_id == lender.id)
        ).one()
        endpoint.url = "http://10.1.2.3:8080/hook"
        session.add(endpoint)
    (event_id,) = world.publish(code)
    world.deliver()
    (attempt,) = attempts(event_id)
    assert attempt.status_code is None and "private address" in (attempt.error or "")


def test_many_events_go_out_in_one_run(world: World) -> None:
    code, secrets = world.pushing_bank()
    world.bank.use_secrets(*secrets)
    ids = world.publish(code, n=120)
    world.deliver()
    received = world.bank.events()
    assert all(event_id in received for event_id in ids)
    assert {json.dumps(received[i]["data"]) for i in ids} == {
        json.dumps({"n": n}) for n in range(120)
    }


def test_without_a_broker_the_kick_after_commit_delivers(engine: Engine, bank: BankSim) -> None:
    world = World(
        bank=bank, clock=FakeClock(), sender=Sender(limits=Limits(), production=False, clock=utcnow)
    )
    code, secrets = world.pushing_bank()
    bank.use_secrets(*secrets)
    try:
        (event_id,) = world.publish(code)  # commits: the in-process fallback runs the task
        wait_for_inline_tasks(timeout=60)
        assert event(event_id).status is DeliveryStatus.DELIVERED
        assert event_id in bank.events()
    finally:
        wait_for_inline_tasks(timeout=60)
        forget_banks(world.codes)
