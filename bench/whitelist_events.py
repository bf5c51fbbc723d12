"""The whitelist benchmark's disqualifying events, each timed from its call to its commit."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, col, select

import app.models  # noqa: F401 - every table, as the app has them: an exit's outbox row names a lender
from app.applications import service as application_service
from app.applications.models import FinancingApplication
from app.consent import service as consent_service
from app.consent.models import Authorization
from app.core import db
from bench.whitelist_city import ACTOR, local_today

KINDS = ("consent", "withdrawal", "listing", "ingest")
TRIGGER = {"consent": "consent", "withdrawal": "withdrawal"} | dict.fromkeys(
    ("listing", "ingest"), "credit_event"
)
EVENT_COLUMNS = [
    "event_id", "uscc", "kind", "event_date", "department", "publicity_start",
    "publicity_end", "amount_yuan", "severity", "repaired", "removed",
]  # fmt: skip
Event = tuple[str, str, Any]  # kind, uscc, what the act needs (a grant or application id, a file)
from scoring.sources import service as source_service
from scoring.sources.models import CreditEvent
from whitelist import exits, members
from whitelist.models import Trigger, WhitelistChange

# --- (3) disqualifying events ----------------------------------------------------------------


def prepare_events(count: int, *, rng: np.random.Generator, work: Path) -> list[Event]:
    """``count`` distinct members, the kinds interleaved; each one's grant, application or file."""
    with db.session_scope() as session:
        chosen = rng.choice(sorted(members.current(session)), size=count, replace=False).tolist()
        needs = {
            kind: dict(
                session.exec(select(model.uscc, model.id).where(col(model.uscc).in_(chosen))).all()
            )
            for kind, model in (("consent", Authorization), ("withdrawal", FinancingApplication))
        }
    events: list[Event] = []
    for n, uscc in enumerate(chosen):
        kind = KINDS[n % len(KINDS)]
        if kind != "ingest":
            events.append((kind, uscc, needs.get(kind, {}).get(uscc)))
            continue
        # Written before the clock starts: the department's file has arrived.
        path = work / "events" / f"{n:05d}" / "public_credit_events.csv"
        path.parent.mkdir(parents=True)
        row = {"event_id": f"BENCH-INGEST-{n}", "uscc": uscc, "kind": "dishonest_debtor"}
        row |= {"event_date": str(local_today() - timedelta(days=3)), "department": "法院"}
        pd.DataFrame([row], columns=EVENT_COLUMNS).to_csv(path, index=False)
        events.append((kind, uscc, path))
    return events


def acts(batch_id: int) -> dict[str, Callable[[Session, str, Any], object]]:
    """Each kind of disqualifying event, as the platform performs it."""

    def revoke(session: Session, uscc: str, grant_id: Any) -> object:
        return consent_service.revoke(
            session, uscc=uscc, authorization_id=grant_id, reason="bench", actor=ACTOR
        )

    def withdraw(session: Session, uscc: str, application_id: Any) -> object:
        application = application_service.get(session, application_id=application_id)
        return application_service.withdraw(
            session, application=application, actor=ACTOR, reason="bench"
        )

    def listing(session: Session, uscc: str, _: Any) -> object:
        session.add(
            CreditEvent(
                event_id=f"BENCH-LISTING-{uscc}",
                batch_id=batch_id,
                uscc=uscc,
                kind="serious_dishonesty",
                event_date=local_today() - timedelta(days=3),
                department="发展改革委",
            )
        )
        session.flush()
        return exits.reassess(session, [uscc], trigger=Trigger.CREDIT_EVENT)

    def ingest(session: Session, uscc: str, path: Any) -> object:
        return source_service.ingest_file(session, path=path, actor=ACTOR)

    return {"consent": revoke, "withdrawal": withdraw, "listing": listing, "ingest": ingest}


def run_events(events: list[Event], *, batch_id: int) -> dict[str, list[float]]:
    """Each event in its own session and transaction, timed from the call to the commit."""
    perform = acts(batch_id)
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for kind, uscc, needs in events:
        session = db.new_session()
        try:
            started = time.perf_counter()
            perform[kind](session, uscc, needs)
            session.commit()
            timings[kind].append(time.perf_counter() - started)
        finally:
            session.close()
    return timings


def exits_written(events: list[Event]) -> dict[str, int]:
    """Per kind, how many events left their own exit at once, with the expected trigger."""
    with db.session_scope() as session:
        written = dict(
            session.exec(
                select(WhitelistChange.uscc, WhitelistChange.trigger).where(
                    col(WhitelistChange.version_number).is_(None), WhitelistChange.kind == "exit"
                )
            ).all()
        )
    found = dict.fromkeys(KINDS, 0)
    for kind, uscc, _ in events:
        found[kind] += written.get(uscc) == TRIGGER[kind]
    return found


def report_events(timings: dict[str, list[float]], found: dict[str, int]) -> tuple[float, float]:
    """Print p50/p99/max by kind and overall; return the p99 of all and of all but ingest."""

    def line(values: list[float]) -> str:
        p50, p99 = (1000 * np.percentile(values, q) for q in (50, 99))
        return f"p50 {p50:6.1f} ms, p99 {p99:6.1f} ms, max {1000 * max(values):6.1f} ms"

    names = {
        "consent": "consent_service.revoke",
        "withdrawal": "application_service.get + withdraw",
        "listing": "CreditEvent row + exits.reassess",
        "ingest": "ingest_file (one-row public_credit_events CSV)",
    }
    everything = [t for values in timings.values() for t in values]
    print(f"exits at once: {len(everything):,} events on PostgreSQL, call → commit")
    for kind in KINDS:
        print(
            f"  {kind:<10} {len(timings[kind]):>4} × {line(timings[kind])}; "
            f"exits written {found[kind]}/{len(timings[kind])} — {names[kind]}"
        )
    print(
        f"  {'all':<10} {len(everything):>4} × {line(everything)}; "
        f"exits written {sum(found.values())}/{len(everything)}"
    )
    direct = [t for kind in KINDS if kind != "ingest" for t in timings[kind]]
    return float(1000 * np.percentile(everything, 99)), float(1000 * np.percentile(direct, 99))
