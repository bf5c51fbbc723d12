"""Exits at once: a disqualifying event between refreshes removes the member in its transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlmodel import Session, select

from app.applications import service as application_service
from app.applications.models import FinancingApplication
from app.audit.service import SystemActor
from app.consent import service as consent_service
from app.consent.models import Authorization
from app.enterprises.models import Enterprise
from app.outbox.models import OutboxEvent
from scoring.sources import service as source_service
from scoring.sources.store import SourceStore
from tests.factories import make_application, make_authorization, make_lender
from whitelist import members
from whitelist.models import WhitelistChange
from whitelist.refresh import refresh

ACTOR = SystemActor("test")
Make = Callable[..., Enterprise]


def exit_of(db: Session, uscc: str) -> WhitelistChange:
    return db.exec(
        select(WhitelistChange).where(WhitelistChange.uscc == uscc, WhitelistChange.kind == "exit")
    ).one()


def test_revoking_the_only_grant_exits_at_once_and_tells_the_lead_holder(
    db: Session, qualified: Make
) -> None:
    firm = qualified(consents=False)
    bank = make_lender(db)
    make_application(db, firm, lender_code=bank.code)  # the bank holds its lead
    grant = make_authorization(db, firm.uscc, scope="matched_banks")
    refresh(db, actor=ACTOR)
    assert firm.uscc in members.current(db)
    assert grant.id is not None
    consent_service.revoke(db, uscc=firm.uscc, authorization_id=grant.id, reason=None, actor=ACTOR)
    assert firm.uscc not in members.current(db)
    change = exit_of(db, firm.uscc)
    assert change.reasons == ["consent_revoked"] and change.trigger == "consent"
    assert change.version_number is None
    [event] = db.exec(select(OutboxEvent)).all()
    assert event.lender_code == bank.code and event.topic == "whitelist.exited"
    assert event.payload["uscc"] == firm.uscc and event.payload["reasons"] == ["consent_revoked"]


def test_revoking_one_of_two_grants_keeps_the_member(db: Session, qualified: Make) -> None:
    firm = qualified()
    spare = make_authorization(db, firm.uscc, scope="assessment")
    refresh(db, actor=ACTOR)
    assert spare.id is not None
    consent_service.revoke(db, uscc=firm.uscc, authorization_id=spare.id, reason=None, actor=ACTOR)
    assert firm.uscc in members.current(db)
    assert db.exec(select(WhitelistChange).where(WhitelistChange.kind == "exit")).first() is None


def test_withdrawing_the_only_need_exits_at_once(db: Session, qualified: Make) -> None:
    firm = qualified()
    refresh(db, actor=ACTOR)
    application = db.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == firm.uscc)
    ).one()
    application_service.withdraw(db, application=application, actor=ACTOR, reason="不需要了")
    assert firm.uscc not in members.current(db)
    change = exit_of(db, firm.uscc)
    assert change.reasons == ["demand_withdrawn"] and change.trigger == "withdrawal"
    assert db.exec(select(OutboxEvent)).first() is None  # no bank held its lead


def test_a_refresh_after_an_exit_at_once_changes_nothing(db: Session, qualified: Make) -> None:
    firm = qualified()
    refresh(db, actor=ACTOR)
    grant = db.exec(select(Authorization).where(Authorization.uscc == firm.uscc)).one()
    assert grant.id is not None
    consent_service.revoke(db, uscc=firm.uscc, authorization_id=grant.id, reason=None, actor=ACTOR)
    assert not refresh(db, actor=ACTOR).changed


def write_events(path: Path, rows: list[dict[str, object]]) -> Path:
    columns = [
        "event_id", "uscc", "kind", "event_date", "department", "publicity_start",
        "publicity_end", "amount_yuan", "severity", "repaired", "removed",
    ]  # fmt: skip
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


def test_an_ingested_listing_exits_the_member_in_the_batch_transaction(
    db: Session, qualified: Make, tmp_path: Path
) -> None:
    listed, penalised, bystander = qualified(), qualified(), qualified()
    refresh(db, actor=ACTOR)
    path = write_events(
        tmp_path / "public_credit_events.csv",
        [
            {
                "event_id": "E-1",
                "uscc": listed.uscc,
                "kind": "dishonest_debtor",
                "event_date": "2026-10-01",
                "department": "湖州市中级人民法院",
            },
            {
                "event_id": "E-2",
                "uscc": penalised.uscc,
                "kind": "administrative_penalty",
                "event_date": "2026-10-01",
                "department": "市场监管局",
                "amount_yuan": "5000.00",
                "severity": "minor",
            },
        ],
    )
    result = source_service.ingest_file(
        db, path=path, actor=ACTOR, store=SourceStore(tmp_path / "store")
    )
    assert result.batch.rows_loaded == 2, result.batch
    assert members.current(db) == {penalised.uscc, bystander.uscc}
    change = exit_of(db, listed.uscc)
    assert change.reasons == ["dishonest_debtor"] and change.trigger == "credit_event"


def test_an_ingested_deregistration_exits_the_member(
    db: Session, qualified: Make, tmp_path: Path
) -> None:
    from tests.scoring.sources.rows import VALID

    firm = qualified()
    refresh(db, actor=ACTOR)
    row = {
        **VALID["registration"],
        "uscc": firm.uscc,
        "status": "deregistered",
        "registration_date": firm.registration_date.isoformat(),
    }
    path = tmp_path / "registration.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    result = source_service.ingest_file(
        db, path=path, actor=ACTOR, store=SourceStore(tmp_path / "store")
    )
    assert result.batch.rows_loaded == 1, result.batch
    assert firm.uscc not in members.current(db)
    change = exit_of(db, firm.uscc)
    assert change.reasons == ["deregistered"] and change.trigger == "registry"
