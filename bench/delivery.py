"""Benchmark: webhook delivery of 10,000 lead events to simulated banks (not a test).

    python bench/delivery.py [--events 10000] [--database-url URL] [--redis-url URL]
                             [--workers 1] [--worker-concurrency 2] [--fail-share 0.3]
                             [--down-after 2] [--down-for 5] [--check] [--tiny]

On its own PostgreSQL database (dropped and created afresh) and its own Redis database, it
starts three simulated banks (``xyd bank-sim``): two healthy, one answering 30 % of deliveries
with HTTP 500 and down (503) for a stretch of the run; then ``xyd worker`` and ``xyd beat``. It
publishes the events through ``app.outbox.service.publish`` in transactions of 500 (each commit
kicks the delivery), waits until every event is acknowledged or dead, and prints: delivered,
dead, lost (published but acknowledged by no bank, must be 0), what each bank acknowledged
(unique event ids) and the duplicates it saw, the wall time, the throughput to a healthy bank,
and a bare loop — httpx posting the same signed bodies to the same healthy bank with as many
requests in flight as ours has (workers × pool processes × ``--concurrency``) — with the ratio
ours / bare. Both are timed from the first request sent to the last acknowledgement: ours from
the earliest delivery attempt recorded to the bank's last first-acknowledgement.
Goal: none lost, ≥ 500 events/s to a healthy bank. ``--tiny`` is a smoke run; ``--check`` exits 1
on a missed goal.

Back-off is shortened for the run (``XYD_DELIVERY_BACKOFF_BASE_SECONDS=0.5``, cap 2 s, beat
every second); the 3-day retry window is unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import Goals, add_common_options, fresh_database

XYD = str(Path(sys.executable).with_name("xyd"))
CHUNK = 500
BANKS = ("healthy-1", "healthy-2", "flaky")


def configure(args: argparse.Namespace, work: Path) -> None:
    """Environment of this process and of every process it starts."""
    os.environ.update(
        XYD_DATABASE_URL=args.database_url,
        XYD_ENV="development",  # the banks listen on loopback, allowed outside production only
        XYD_DATA_DIR=str(work / "data"),
        XYD_LOG_LEVEL="WARNING",
        XYD_BROKER_URL=args.redis_url,
        XYD_SECRET_KEY=secrets.token_urlsafe(48),
        XYD_DELIVERY_BACKOFF_BASE_SECONDS="0.5",
        XYD_DELIVERY_BACKOFF_CAP_SECONDS="2",
        XYD_DELIVERY_INTERVAL_SECONDS="1",
        XYD_DELIVERY_CONCURRENCY=str(args.concurrency),
    )
    from app.core import db

    db.reset_caches()


class Bank:
    """A ``xyd bank-sim`` process."""

    def __init__(self, name: str, secret: str, *extra: str) -> None:
        self.name, self.secret = name, secret
        self.process = subprocess.Popen(
            [XYD, "bank-sim", "--port", "0", f"--secret={secret}", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        if not line.startswith("bank-sim listening on "):
            raise SystemExit(f"bank {name} did not start: {line}")
        self.url = line.removeprefix("bank-sim listening on ")
        self.http = httpx.Client(base_url=self.url, timeout=10, trust_env=False)

    def stats(self) -> dict[str, Any]:
        return dict(self.http.get("/_sim/stats").json())

    def received(self) -> dict[str, float]:
        """Event id -> when the bank acknowledged it first (unix seconds)."""
        return {e["id"]: e["received_at"] for e in self.http.get("/_sim/events").json()["data"]}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


def start(*command: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        list(command),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=os.environ.copy(),
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def setup_banks(banks: list[Bank]) -> None:
    from app.audit.service import SystemActor
    from app.core.db import session_scope
    from lenders.delivery import webhooks
    from lenders.delivery.models import WebhookSecret
    from lenders.institutions.models import Lender

    actor = SystemActor("bench")
    with session_scope() as session:
        for bank in banks:
            lender = Lender(code=bank.name, name=f"模拟银行 {bank.name}")
            session.add(lender)
            session.flush()
            assert lender.id is not None
            webhooks.set_url(session, lender_id=lender.id, url=bank.url + "/webhook", actor=actor)
            # The bank's secret as the bank registered it: sealed like any secret the API makes.
            from lenders.delivery import crypto

            session.add(
                WebhookSecret(
                    lender_id=lender.id,
                    sealed=crypto.seal(bank.secret, lender_id=lender.id),
                    created_by="bench",
                )
            )


def publish(events: int, banks: tuple[str, ...] = BANKS) -> dict[str, int]:
    """``events`` lead events, round-robin over ``banks``, ``CHUNK`` per transaction."""
    from app.core.db import session_scope
    from app.outbox import service as outbox

    per_bank = dict.fromkeys(banks, 0)
    for start_at in range(0, events, CHUNK):
        with session_scope() as session:
            for n in range(start_at, min(events, start_at + CHUNK)):
                bank = banks[n % len(banks)]
                per_bank[bank] += 1
                outbox.publish(
                    session,
                    topic="lead.created",
                    lender_codes=[bank],
                    payload={
                        "lead_id": n,
                        "uscc": f"91330502MA{n:08d}",
                        "amount_fen": 50_000_000,
                        "grade": "A",
                        "product_id": 1 + n % 7,
                    },
                )
    return per_bank


def counts() -> dict[str, int]:
    from sqlalchemy import func
    from sqlmodel import select

    from app.core.db import session_scope
    from app.outbox.models import OutboxEvent

    with session_scope() as session:
        rows = session.exec(
            select(OutboxEvent.status, func.count()).group_by(OutboxEvent.status)
        ).all()
    return {str(status.value if hasattr(status, "value") else status): n for status, n in rows}


def healthy_bodies(bank: str) -> list[bytes]:
    from sqlmodel import select

    from app.core.db import session_scope
    from app.outbox.models import OutboxEvent
    from lenders.delivery import envelope

    with session_scope() as session:
        rows = session.exec(
            select(OutboxEvent).where(OutboxEvent.lender_code == bank).order_by(OutboxEvent.id)
        ).all()
        return [envelope.body(row) for row in rows]


async def bare_loop(url: str, secret: str, bodies: list[bytes], concurrency: int) -> float:
    """httpx posting the bodies, signed, on ``concurrency`` kept-alive connections (one client
    each, as the platform does); events per second from the first request sent to the last
    answer."""
    from lenders.delivery.signing import HEADER, sign

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(limits=limits, timeout=10, trust_env=False) for _ in range(concurrency)
    ]
    queue = list(reversed(bodies))

    async def lane(client: httpx.AsyncClient) -> None:
        while queue:
            body = queue.pop()
            header = sign(body, secret, timestamp=int(time.time()))
            response = await client.post(
                url, content=body, headers={"Content-Type": "application/json", HEADER: header}
            )
            response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(lane(client) for client in clients))
    rate = len(bodies) / (time.perf_counter() - started)
    for client in clients:
        await client.aclose()
    return rate


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/xyd_bench_delivery"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight per bank")
    parser.add_argument("--fail-share", type=float, default=0.3)
    parser.add_argument("--down-after", type=float, default=2.0, help="seconds into the run")
    parser.add_argument("--down-for", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    add_common_options(parser, tiny="150 events, the outage 1 s from 0.5 s in")
    args = parser.parse_args()
    if args.tiny:
        args.events, args.down_after, args.down_for = 150, 0.5, 1.0
    return args


def prepare(args: argparse.Namespace, work: Path) -> list[Bank]:
    """A fresh database and Redis queue, and the banks, registered with their webhooks."""
    configure(args, work)
    fresh_database(args.database_url)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    from app.core.db import get_engine
    from app.core.migrations import upgrade

    upgrade(get_engine())
    banks = [Bank(name, secrets.token_urlsafe(16)) for name in BANKS[:2]]  # healthy
    flaky = ("--fail-share", str(args.fail_share), "--seed", "7")
    banks.append(Bank(BANKS[2], secrets.token_urlsafe(16), *flaky))
    setup_banks(banks)
    return banks


def deliver(args: argparse.Namespace, work: Path, banks: list[Bank], *, outage: bool) -> None:
    """Start the workers and beat, take the flaky bank down a while, wait until nothing pends."""
    processes = [
        start(XYD, "worker", f"--concurrency={args.worker_concurrency}", "--without-gossip",
              "--without-mingle", "--without-heartbeat", f"--hostname=bench{n}@%h",
              log=work / f"worker-{n}.log")
        for n in range(args.workers)
    ]  # fmt: skip
    processes.append(start(XYD, "beat", f"--schedule={work / 'beat'}", log=work / "beat.log"))
    try:
        deadline = time.monotonic() + args.timeout
        if outage:
            while banks[0].stats()["first_ack"] is None and time.monotonic() < deadline:
                time.sleep(0.05)
            banks[2].http.post(
                "/_sim/behaviour", json={"down_from": args.down_after, "down_for": args.down_for}
            )
        while time.monotonic() < deadline and counts().get("pending", 0):
            time.sleep(0.2)
    finally:
        for process in processes:
            stop(process)


def event_ids(bank: str) -> set[str]:
    from sqlmodel import select

    from app.core.db import session_scope
    from app.outbox.models import OutboxEvent

    with session_scope() as session:
        return set(
            session.exec(select(OutboxEvent.event_id).where(OutboxEvent.lender_code == bank))
        )


def rate(received: dict[str, float], ids: set[str]) -> float:
    """Events per second from the first to the last acknowledgement of ``ids`` (the mixed run,
    where the banks' share of the wall time is what is compared)."""
    times = [received[i] for i in ids if i in received]
    return len(times) / max(1e-9, max(times) - min(times))


def first_sent(ids: set[str]) -> float:
    """When the first request for any of ``ids`` was sent (unix seconds), from the attempts."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from app.core.db import session_scope
    from app.outbox.models import OutboxEvent
    from lenders.delivery.models import DeliveryAttempt

    with session_scope() as session:
        first = session.exec(
            select(func.min(DeliveryAttempt.at))
            .join(OutboxEvent, col(OutboxEvent.id) == DeliveryAttempt.outbox_id)
            .where(col(OutboxEvent.event_id).in_(ids))
        ).one()
    return first.timestamp()


def sent_to_last_ack(received: dict[str, float], ids: set[str]) -> float:
    """Events per second from the first request sent to the last acknowledgement of ``ids``."""
    times = [received[i] for i in ids if i in received]
    return len(times) / max(1e-9, max(times) - first_sent(ids))


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="xyd-bench-delivery-"))
    banks = prepare(args, work)
    # The outbox fills first (the kicks wait in Redis), then the workers drain it: what is
    # measured is delivery, not how fast this one process can publish.
    published = time.perf_counter()
    per_bank = publish(args.events)
    published_in = time.perf_counter() - published
    deliver(args, work, banks, outage=True)
    state = counts()
    stats = {bank.name: bank.stats() for bank in banks}
    received = {bank.name: bank.received() for bank in banks}
    lost = sum(per_bank[name] - len(received[name]) for name in BANKS) - state.get("dead", 0)
    mixed = {bank.name: rate(received[bank.name], set(received[bank.name])) for bank in banks}
    wall = max(max(r.values()) for r in received.values()) - min(
        min(r.values()) for r in received.values()
    )
    # The healthy bank alone: the same number of events to it only, then the bare loop.
    first_ids = event_ids(BANKS[0])
    publish(args.events, banks=(BANKS[0],))
    deliver(args, work, banks, outage=False)
    alone_ids = event_ids(BANKS[0]) - first_ids
    alone_received = banks[0].received()
    alone = sent_to_last_ack(alone_received, alone_ids)
    alone_lost = len(alone_ids - set(alone_received))
    bodies = healthy_bodies(BANKS[0])[-args.events :]
    in_flight = args.workers * args.worker_concurrency * args.concurrency
    bare = asyncio.run(bare_loop(banks[0].url + "/webhook", banks[0].secret, bodies, in_flight))
    for bank in banks:
        bank.stop()
    print(f"events published          {args.events:,} in {published_in:.1f} s (500 per commit)")
    print(f"delivered (acknowledged)  {state.get('delivered', 0):,}")
    print(f"dead                      {state.get('dead', 0):,}")
    print(f"pending at the end        {state.get('pending', 0):,}")
    print(f"lost                      {lost:,}")
    for name in BANKS:
        s = stats[name]
        print(
            f"bank {name:<10}           published {per_bank[name]:,}, unique acknowledged "
            f"{s['unique']:,}, duplicates {s['duplicates']:,}, HTTP 500 {s['injected_failures']:,}"
            f", down refusals {s['down_refusals']:,}, {mixed[name]:,.0f} events/s"
        )
    print(f"wall time                 {wall:.1f} s (first to last acknowledgement, any bank)")
    print(
        f"overall                   {sum(len(r) for r in received.values()) / wall:,.0f} events/s"
    )
    print(f"healthy bank, mixed run   {mixed[BANKS[0]]:,.0f} events/s (sharing 2 cores)")
    print(
        f"healthy bank alone        {alone:,.0f} events/s for {len(alone_ids):,} events, "
        f"lost {alone_lost} (first request sent to last acknowledgement; up to {in_flight} in "
        f"flight: {args.workers} worker × {args.worker_concurrency} processes × "
        f"{args.concurrency})"
    )
    print(
        f"bare httpx loop           {bare:,.0f} events/s "
        f"({in_flight} in flight, the same bodies, first request sent to last answer)"
    )
    print(f"ratio ours / bare         {alone / bare:.2f}")
    print(f"logs                      {work}")
    goals = Goals()
    goals.judge(
        "none lost",
        figure=f"{lost + alone_lost:,} lost, {state.get('dead', 0):,} dead",
        goal="0 lost",
        met=lost + alone_lost == 0,
    )
    goals.judge(
        "healthy bank alone",
        figure=f"{alone:,.0f} events/s (bare loop {bare:,.0f} at equal concurrency)",
        goal="≥ 500 events/s",
        met=alone >= 500,
    )
    goals.finish(check=args.check)


if __name__ == "__main__":
    main()
