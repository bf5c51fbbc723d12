"""The whitelist benchmark's city: registration ingested, the rest of the facts bulk-inserted."""

from __future__ import annotations

import argparse
import os
import secrets
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session, select

import app.models  # noqa: F401 - every table, as the app has them: an exit's outbox row names a lender
from app.applications.models import ApplicationTransition, FinancingApplication
from app.audit.service import SystemActor
from app.consent.models import Authorization
from app.core import db
from app.core.clock import to_local, utcnow
from app.core.migrations import upgrade
from app.enterprises.models import Enterprise
from bench.common import fresh_database
from lenders.institutions.models import Lender
from scoring.registry.models import ModelVersion
from scoring.scores.models import RunStatus, Score, ScoreRun
from scoring.sources import service as source_service
from scoring.sources.models import CreditEvent, SourceBatch
from scoring.synthetic.registry import CitySpec, registration_records
from whitelist import facts, members, policy
from whitelist.models import DISQUALIFYING_LISTS

ROOT = Path(__file__).resolve().parents[1]
ACTOR = SystemActor("bench")
MODEL = "bench-champion"
GRADES = ("A", "B", "C", "D", "E")
GRADE_SHARES = (0.15, 0.30, 0.30, 0.15, 0.10)  # 45 % A or B
POINTS = {"A": 720, "B": 660, "C": 600, "D": 540, "E": 480}
LISTINGS = 300
CHANGED_SHARE = 0.02  # of the enterprises, between the two refreshes
CHUNK = 5000
LENDERS = tuple(f"bench-{n}" for n in range(1, 6))


def configure(url: str, work: Path) -> None:
    """Point the platform at the bench database; the refresh processes inherit the environment."""
    os.environ.update(
        XYD_DATABASE_URL=url,
        XYD_ENV="development",
        XYD_DATA_DIR=str(work / "data"),
        XYD_LOG_LEVEL="WARNING",
        XYD_BROKER_URL="",
        XYD_SECRET_KEY=secrets.token_urlsafe(48),
    )
    db.reset_caches()


def local_today() -> date:
    return to_local(utcnow()).date()


def bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(db.table_of(model)), rows[start : start + CHUNK])


# --- setup -----------------------------------------------------------------------------------


def register_enterprises(enterprises: int, seed: int, work: Path) -> None:
    """The registration source of a synthetic city, through ingestion as the platform loads it."""
    spec = CitySpec(enterprises=enterprises, seed=seed, bad_check_char_rate=0)
    path = work / "registration.csv"
    pd.DataFrame(registration_records(spec)).to_csv(path, index=False)
    with db.session_scope() as session:
        batch = source_service.ingest_file(session, path=path, actor=ACTOR).batch
    assert batch.rows_loaded == enterprises, batch


def add_champion_and_scores(session: Session, usccs: list[str], rng: np.random.Generator) -> None:
    """A champion row and one score per enterprise; the refresh reads scores by model name."""
    now = utcnow()
    session.add(
        ModelVersion(
            name=MODEL,
            source="bench",
            trained_by="bench",
            artifact_path="/nonexistent",
            artifact_sha256="0" * 64,
            data_sha256="0" * 64,
            is_champion=True,
            promoted_at=now,
            promoted_by="bench",
        )
    )
    run = ScoreRun(
        as_of=date(2026, 11, 1),
        model_name=MODEL,
        started_by="bench",
        status=RunStatus.DONE,
        finished_at=now,
        enterprises=len(usccs),
    )
    session.add(run)
    session.flush()
    grades = rng.choice(GRADES, size=len(usccs), p=GRADE_SHARES).tolist()
    add_scores(session, run_id=run.id, grades=dict(zip(usccs, grades, strict=True)))


def add_scores(session: Session, *, run_id: int | None, grades: dict[str, str]) -> None:
    now = utcnow()
    fixed = {"run_id": run_id, "as_of": date(2026, 11, 1), "model_name": MODEL, "reasons": []}
    bulk(
        session,
        Score,
        [
            fixed
            | {"uscc": uscc, "grade": grade, "points": POINTS[grade], "scored_at": now}
            | {"pd": 0.005 * (1 + GRADES.index(grade)) ** 2}
            for uscc, grade in grades.items()
        ],
    )


def add_applicants(session: Session, rng: np.random.Generator, *, count: int) -> None:
    """Active enterprises apply (5/8 naming a bank) and grant consent, within the last 60 days."""
    session.add_all(Lender(code=code, name=f"测试银行{code}") for code in LENDERS)
    session.flush()
    active = sorted(session.exec(select(Enterprise.uscc).where(Enterprise.status == "active")))
    chosen = rng.choice(active, size=count, replace=False).tolist()
    now = utcnow()
    applied = [now - timedelta(days=float(d)) for d in rng.uniform(0, 60, count)]
    banks = rng.choice([*LENDERS, None, None, None], size=count).tolist()
    need = {"amount_fen": 50_000_000, "term_months": 12, "purpose": "流动资金"}
    need |= {"product_type": "credit", "green": False, "tech": False, "status": "submitted"}
    rows = zip(chosen, applied, banks, strict=True)
    bulk(
        session,
        FinancingApplication,
        [
            need
            | {"uscc": u, "lender_code": bank, "submitted_by": "bench"}
            | {"created_at": at, "updated_at": at}
            for u, at, bank in rows
        ],
    )
    ids = session.exec(select(FinancingApplication.id, FinancingApplication.created_at)).all()
    first = {"to_status": "submitted", "actor": "bench", "actor_role": "system"}
    bulk(session, ApplicationTransition, [first | {"application_id": i, "at": at} for i, at in ids])
    grant = {"purpose": "financing", "lender_codes": [], "granted_by": "bench"}
    bulk(
        session,
        Authorization,
        [
            grant
            | {"uscc": u, "scope": "matched_banks" if bank else "assessment"}
            | {"granted_at": at, "expires_at": at + timedelta(days=365)}
            for u, at, bank in zip(chosen, applied, banks, strict=True)
        ],
    )


def listings_batch(session: Session) -> int:
    batch = SourceBatch(
        kind="public_credit_events",
        file_name="bench-listings.csv",
        content_hash=secrets.token_hex(32),
        file_format="csv",
        status="loaded",
        loaded_by="bench",
    )
    session.add(batch)
    session.flush()
    assert batch.id is not None
    return batch.id


def add_listings(session: Session, usccs: list[str], *, batch_id: int, tag: str) -> None:
    """Listings on the disqualifying lists, in force today, for ``usccs``."""
    since = local_today() - timedelta(days=30)
    bulk(
        session,
        CreditEvent,
        [
            {"event_id": f"BENCH-{tag}-{n}", "batch_id": batch_id, "uscc": uscc}
            | {"kind": DISQUALIFYING_LISTS[n % len(DISQUALIFYING_LISTS)], "event_date": since}
            | {"department": "湖州市中级人民法院"}
            for n, uscc in enumerate(usccs)
        ],
    )


def setup(args: argparse.Namespace, work: Path, rng: np.random.Generator) -> int:
    """The city's facts in a fresh database; returns the batch the bench's listings belong to."""
    started = time.perf_counter()
    fresh_database(args.database_url)
    configure(args.database_url, work)
    upgrade(db.get_engine())
    migrated = time.perf_counter()
    register_enterprises(args.enterprises, args.seed, work)
    registered = time.perf_counter()
    with db.session_scope() as session:
        usccs = sorted(session.exec(select(Enterprise.uscc)))
        add_champion_and_scores(session, usccs, rng)
        add_applicants(session, rng, count=len(usccs) // 3)
        batch_id = listings_batch(session)
        listed = rng.choice(usccs, size=LISTINGS, replace=False).tolist()
        add_listings(session, listed, batch_id=batch_id, tag="setup")
    # As autovacuum would soon after a bulk load: statistics for the planner, and the visibility
    # map that lets a count or a covering index skip the heap (VACUUM runs outside a transaction).
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        on_postgres = connection.dialect.name == "postgresql"
        connection.exec_driver_sql("VACUUM ANALYZE" if on_postgres else "ANALYZE")
    done = time.perf_counter()
    print(
        f"setup: {len(usccs):,} enterprises, {len(usccs) // 3:,} with an application and a "
        f"grant, {len(usccs):,} scores, {LISTINGS} listings in {done - started:.1f} s "
        f"(migrate {migrated - started:.1f} s, registration synthesized and ingested "
        f"{registered - migrated:.1f} s, the rest bulk-inserted {done - registered:.1f} s)",
        flush=True,
    )
    return batch_id


def change_facts(enterprises: int, *, batch_id: int, rng: np.random.Generator) -> dict[str, int]:
    """~2 % of the enterprises change: members fall to grade C or get listed, others rise to A."""
    changed = round(CHANGED_SHARE * enterprises)
    falls, listed = round(0.4 * changed), round(0.2 * changed)
    with db.session_scope() as session:
        judged = facts.judged(
            session, model_name=MODEL, policy=policy.current(session), now=utcnow()
        )
        leaving = rng.choice(
            sorted(members.current(session)), size=falls + listed, replace=False
        ).tolist()
        only_grade = sorted(judged.index[judged.map(lambda reasons: reasons == ["grade"])])
        rising = rng.choice(
            only_grade, size=min(changed - falls - listed, len(only_grade)), replace=False
        ).tolist()
        grades = dict.fromkeys(leaving[:falls], "C") | dict.fromkeys(rising, "A")
        add_scores(session, run_id=None, grades=grades)
        add_listings(session, leaving[falls:], batch_id=batch_id, tag="change")
    return {"fall to C": falls, "listed": listed, "rise to A": len(rising)}
