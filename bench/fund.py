"""Benchmark: the risk-buffer fund at 湖州 scale — reconcile, claim approval, cover (not a test).

    python bench/fund.py [--loans 100000] [--claims 10000] [--enterprises 50000]
                         [--disbursements 600] [--approvals 400] [--concurrency 2] [--seed 7]
                         [--database-url URL] [--check] [--tiny]

On its own PostgreSQL database (dropped and created afresh) eight banks sign agreements with
the fund (premium 1 %, a period cap, the default leverage, caps and claim window) and 100,000
covered loans with 10,000 defaulted and claimed are bulk-loaded as the services leave them
(``bench/fund_world.py``). Then, through the real services:

1. ``xyd fund reconcile --json``, the command in its own process, timed to its exit (goal
   ≤ 5 s), beside the same reconciliation in this process and a bare SQL sum of every entry.
2. Claim approval: filed claims reviewed by one person and approved by another, each step its
   own transaction timed to its commit (goal p99 ≤ 50 ms for each step), beside a bare
   transaction that locks the same claim row and touches it, interleaved at equal concurrency.
3. Cover at disbursement: approved leads disbursed through ``loans.service.disburse``,
   alternately with the fund's ``LoanDisbursed`` subscriber and without it (the bare path), in
   the same threads over the same interval; the goal is the p99 difference (≤ 5 ms).

``--tiny`` is a smoke run; ``--check`` exits 1 on a missed goal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlmodel import Session, select

import app.models  # noqa: F401 - every table, as the app has them
from app.applications.models import ApplicationStatus, FinancingApplication, ProductType
from app.audit.service import SystemActor
from app.core import db, events, taskqueue
from app.core.clock import utcnow
from bench.common import ROOT, Goals, add_common_options
from bench.fund_world import World, build, insert_returning_ids, template
from bench.whitelist_city import local_today
from lenders.fund import claims, position
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.models import ClaimStatus, FundClaim, FundCover
from lenders.leads.models import Lead, LeadStatus
from lenders.loans import service as loan_service
from lenders.loans.events import LoanDisbursed
from lenders.loans.models import Loan
from lenders.loans.schemas import DisbursementCreate
from lenders.matching.models import Match

BANK = SystemActor("bench-bank")
REVIEWER, APPROVER = SystemActor("bench-reviewer"), SystemActor("bench-approver")
WARM_UP = 2  # claims and disbursements run first and not counted


def no_tasks(task_name: str, **kwargs: Any) -> None:
    """Outbox kicks after commit go nowhere: delivering is ``bench/delivery.py``'s to measure,
    and without a broker they would run inline beside the steps timed here."""


def p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def timed(step: Callable[[Session], Any]) -> float:
    """Milliseconds from the start of ``step``'s transaction to its commit."""
    started = time.perf_counter()
    with db.session_scope() as session:
        step(session)
    return (time.perf_counter() - started) * 1000


# --- 1. reconcile ----------------------------------------------------------------------------


def measure_reconcile() -> dict[str, Any]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    xyd = str(Path(sys.executable).with_name("xyd"))
    started = time.perf_counter()
    done = subprocess.run(
        [xyd, "fund", "reconcile", "--json"], env=env, capture_output=True, text=True, check=False
    )
    command = time.perf_counter() - started
    report = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    with db.session_scope() as session:
        started = time.perf_counter()
        in_process = reconcile(session)
        service = time.perf_counter() - started
        started = time.perf_counter()
        drifted = position.drift(session)
        positions = time.perf_counter() - started
        started = time.perf_counter()
        session.execute(text("SELECT count(*), sum(amount_fen) FROM ledger_transfers")).one()
        bare = time.perf_counter() - started
    return {
        "command_s": command,
        "exit": done.returncode,
        "report": report,
        "service_s": service,
        "service_ok": in_process.ok and drifted.none,
        "positions_s": positions,
        "bare_s": bare,
    }


# --- 2. claim approval -----------------------------------------------------------------------


def touch_claim(claim_id: int) -> Callable[[Session], None]:
    """The bare step: lock the claim's row and write it, as every step does, and commit."""

    def step(session: Session) -> None:
        found = session.exec(
            select(FundClaim).where(FundClaim.id == claim_id).with_for_update()
        ).one()
        found.updated_at = utcnow()
        session.add(found)

    return step


def approve_claims(claim_ids: list[int], *, concurrency: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"review": [], "approve": [], "bare": []}
    lock = threading.Lock()

    def one(claim_id: int) -> None:
        bare1 = timed(touch_claim(claim_id))
        review = timed(lambda s: claims.review(s, claim_id=claim_id, actor=REVIEWER))
        bare2 = timed(touch_claim(claim_id))
        approve = timed(lambda s: claims.approve(s, claim_id=claim_id, actor=APPROVER))
        with lock:
            timings["review"].append(review)
            timings["approve"].append(approve)
            timings["bare"] += [bare1, bare2]

    warm, measured = claim_ids[:WARM_UP], claim_ids[WARM_UP:]
    for claim_id in warm:  # the first calls import and compile what later ones reuse
        one(claim_id)
    timings = {"review": [], "approve": [], "bare": []}
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, measured))
    with db.session_scope() as session:
        statuses = session.exec(
            select(FundClaim.status).where(FundClaim.id.in_(measured))  # type: ignore[union-attr]
        ).all()
    timings["approved"] = [float(sum(s is ClaimStatus.APPROVED for s in statuses))]
    return timings


# --- 3. cover at disbursement ----------------------------------------------------------------


def approved_leads(world: World, rng: np.random.Generator, count: int) -> list[int]:
    """``count`` leads approved and ready to disburse, of the world's banks and enterprises."""
    now = utcnow()
    banks = [world.banks[n % len(world.banks)] for n in range(count)]
    firms = rng.choice(world.usccs, size=count, replace=False).tolist()
    with db.session_scope() as session:
        applications = insert_returning_ids(
            session,
            FinancingApplication,
            [
                template(
                    FinancingApplication,
                    uscc=firm,
                    amount_fen=50_000_000,
                    term_months=36,
                    purpose="流动资金",
                    product_type=ProductType.PURE_CREDIT,
                    status=ApplicationStatus.APPROVED,
                    submitted_by="bench",
                )
                | {"created_at": now - timedelta(days=5), "updated_at": now}
                for firm in firms
            ],
        )
        matches = insert_returning_ids(
            session,
            Match,
            [
                {"application_id": a, "product_id": world.products[b], "lender_code": b}
                | {"rank": 1, "score": 9_000, "chosen": False, "reasons": [], "created_at": now}
                for a, b in zip(applications, banks, strict=True)
            ],
        )
        base = template(
            Lead,
            application_id=0,
            match_id=0,
            product_id=0,
            lender_code="",
            uscc="",
            respond_by=now,
            status=LeadStatus.APPROVED,
            approved_amount_fen=50_000_000,
            approved_rate_bp=420,
            approved_term_months=36,
        )
        return insert_returning_ids(
            session,
            Lead,
            [
                base
                | {"application_id": a, "match_id": m, "product_id": world.products[b]}
                | {"lender_code": b, "uscc": firm}
                for a, m, b, firm in zip(applications, matches, banks, firms, strict=True)
            ],
        )


class Switch:
    """The fund's ``LoanDisbursed`` subscriber, switched off per thread for the bare path."""

    def __init__(self) -> None:
        events.wire()
        # The registry itself, not the copy ``subscribers()`` hands out: the bench alone swaps
        # a subscriber out, for the length of the run.
        self.registered = events._subscribers[LoanDisbursed]
        self.handlers = list(self.registered)
        self.local = threading.local()

    def __enter__(self) -> Switch:
        def switched(session: Session, event: LoanDisbursed) -> None:
            if not getattr(self.local, "bare", False):
                for handler in self.handlers:
                    handler(session, event)

        self.registered[:] = [switched]
        return self

    def __exit__(self, *_: object) -> None:
        self.registered[:] = self.handlers


def disburse_all(lead_ids: list[int], *, concurrency: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"fund": [], "bare": []}
    lock = threading.Lock()
    counter = iter(range(len(lead_ids)))
    today = local_today()

    with Switch() as switch:

        def one(lead_id: int) -> None:
            n = next(counter)
            bare = n % 2 == 1  # alternate, so both paths share the threads and the interval
            switch.local.bare = bare
            data = DisbursementCreate(
                contract_id=f"湖银测字第{lead_id:07d}号",
                disbursed_on=today,
                amount_yuan="300000.00",
            )

            def step(session: Session) -> None:
                lead = loan_service.get_lead(session, lead_id=lead_id, lender_code=lender[lead_id])
                loan_service.disburse(session, lead=lead, data=data, actor=BANK)

            ms = timed(step)
            with lock:
                timings["bare" if bare else "fund"].append(ms)

        with db.session_scope() as session:
            lender = dict(
                session.exec(
                    select(Lead.id, Lead.lender_code).where(Lead.id.in_(lead_ids))  # type: ignore[union-attr]
                ).all()
            )
        for lead_id in lead_ids[:WARM_UP]:  # one of each path first, untimed in effect
            one(lead_id)
        timings["fund"], timings["bare"] = [], []
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, lead_ids[WARM_UP:]))
    with db.session_scope() as session:
        decided = session.exec(
            select(FundCover.covered)
            .join(Loan, Loan.id == FundCover.loan_id)  # type: ignore[arg-type]
            .where(Loan.lead_id.in_(lead_ids[WARM_UP:]))  # type: ignore[attr-defined]
        ).all()
    timings["covered"] = [float(sum(decided))]
    timings["decided"] = [float(len(decided))]
    return timings


# --- report ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--disbursements", type=int, default=600)
    parser.add_argument("--approvals", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/xyd_bench_fund",
        help="PostgreSQL database of its own; dropped and created afresh",
    )
    add_common_options(parser, tiny="2,000 loans, 200 claims, 40 disbursements, 20 approvals")
    args = parser.parse_args()
    if args.tiny:
        args.loans, args.claims, args.enterprises = 2_000, 200, 1_000
        args.disbursements, args.approvals = 40, 20
    print(f"database: {args.database_url}; {os.cpu_count()} cores", flush=True)
    work = Path(tempfile.mkdtemp(prefix="xyd-bench-fund-"))
    world = build(
        args.database_url,
        work,
        loans=args.loans,
        claims=args.claims,
        enterprises=args.enterprises,
        seed=args.seed,
    )
    rng = np.random.default_rng(args.seed + 1)
    taskqueue.send_now = no_tasks
    goals = Goals()

    rec = measure_reconcile()
    print(
        f"reconcile: `xyd fund reconcile --json` {rec['command_s']:.2f} s to its exit "
        f"(exit {rec['exit']}: {rec['report']}); in this process the ledger "
        f"{rec['service_s']:.2f} s and the positions against the loans {rec['positions_s']:.2f} s; "
        f"bare SQL sum of every entry {rec['bare_s'] * 1000:.0f} ms",
        flush=True,
    )
    goals.judge(
        "reconcile",
        figure=f"{rec['command_s']:.2f} s for {world.transfers:,} entries "
        f"(bare sum {rec['bare_s'] * 1000:.0f} ms)",
        goal="≤ 5 s and balanced",
        met=rec["command_s"] <= 5 and rec["exit"] == 0 and rec["service_ok"],
    )

    chosen = world.filed_claims[: args.approvals + WARM_UP]
    approvals = approve_claims(chosen, concurrency=args.concurrency)
    bare = approvals["bare"]
    for name in ("review", "approve"):
        print(
            f"claim {name}: p50 {p(approvals[name], 50):.1f} ms, p99 {p(approvals[name], 99):.1f}"
            f" ms over {len(approvals[name])}; bare lock-and-write p50 {p(bare, 50):.1f} ms, "
            f"p99 {p(bare, 99):.1f} ms ({args.concurrency} in flight)",
            flush=True,
        )
    worst = max(p(approvals["review"], 99), p(approvals["approve"], 99))
    goals.judge(
        "claim approval p99",
        figure=f"review {p(approvals['review'], 99):.1f} ms, approve "
        f"{p(approvals['approve'], 99):.1f} ms (bare {p(bare, 99):.1f} ms); "
        f"{approvals['approved'][0]:.0f}/{len(chosen) - WARM_UP} approved",
        goal="≤ 50 ms",
        met=worst <= 50 and approvals["approved"][0] == len(chosen) - WARM_UP,
    )

    leads = approved_leads(world, rng, args.disbursements + WARM_UP)
    disbursed = disburse_all(leads, concurrency=args.concurrency)
    fund, bare = disbursed["fund"], disbursed["bare"]
    added = p(fund, 99) - p(bare, 99)
    print(
        f"disbursement with the fund's cover: p50 {p(fund, 50):.1f} ms, p99 {p(fund, 99):.1f} ms "
        f"over {len(fund)} ({disbursed['covered'][0]:.0f} covered of "
        f"{disbursed['decided'][0]:.0f} decided); without it (bare): p50 {p(bare, 50):.1f} ms, "
        f"p99 {p(bare, 99):.1f} ms over {len(bare)}; {args.concurrency} in flight, interleaved",
        flush=True,
    )
    goals.judge(
        "cover decision adds at p99",
        figure=f"{added:+.1f} ms (p99 {p(fund, 99):.1f} with, {p(bare, 99):.1f} ms bare; p50 "
        f"{p(fund, 50) - p(bare, 50):+.1f} ms)",
        goal="≤ 5 ms, every loan covered",
        met=added <= 5 and disbursed["covered"][0] == len(fund),
    )
    with db.session_scope() as session:
        drift = position.drift(session)
    goals.judge(
        "running positions hold",
        figure=f"{len(drift.banks)} banks, {drift.covers} covers, {drift.years} years differ "
        "from the figures recomputed from the loans after the run",
        goal="none",
        met=drift.none,
    )
    goals.finish(check=args.check)


if __name__ == "__main__":
    main()
