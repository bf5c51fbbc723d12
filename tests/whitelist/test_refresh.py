"""Refresh: who joins, who exits and why, version numbering, and a refresh with nothing new."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from app.applications.models import FinancingApplication
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.clock import utcnow
from app.enterprises.models import Enterprise, EnterpriseStatus
from scoring.registry.exceptions import NoChampion
from scoring.registry.models import ModelVersion
from scoring.sources.models import BatchStatus, CreditEvent, SourceBatch
from tests.whitelist_fixtures import score
from whitelist import members
from whitelist import policy as policy_service
from whitelist.exceptions import ChampionNotScored
from whitelist.models import WhitelistChange, WhitelistVersion
from whitelist.refresh import refresh

ACTOR = SystemActor("test")
Make = Callable[..., Enterprise]


def changes(db: Session, version: int) -> dict[str, WhitelistChange]:
    rows = db.exec(select(WhitelistChange).where(WhitelistChange.version_number == version)).all()
    return {row.uscc: row for row in rows}


def test_a_qualified_enterprise_joins_and_a_second_refresh_changes_nothing(
    db: Session, qualified: Make
) -> None:
    firm = qualified()
    first = refresh(db, actor=ACTOR)
    assert first.changed and first.version is not None and first.version.number == 1
    assert first.version.joins == 1 and first.version.exits == 0
    assert firm.uscc in members.current(db)
    assert changes(db, 1)[firm.uscc].kind == "join"
    second = refresh(db, actor=ACTOR)
    assert not second.changed and second.version is not None and second.version.number == 1
    assert len(db.exec(select(WhitelistVersion)).all()) == 1
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "whitelist.refreshed")).all()
    assert len(audited) == 1


NOT_JOINING = [
    ({"grade": "C"}, ["grade"]),
    ({"age_days": 100}, ["too_young"]),
    ({"applies": False}, ["no_demand"]),
    ({"consents": False}, ["no_consent"]),
    ({"scored": False}, ["not_scored"]),
    ({"grade": "D", "consents": False}, ["grade", "no_consent"]),
]


@pytest.mark.parametrize(("kwargs", "reasons"), NOT_JOINING)
def test_an_enterprise_failing_a_rule_does_not_join(
    db: Session, qualified: Make, kwargs: dict[str, object], reasons: list[str]
) -> None:
    from whitelist import facts, rules

    bystander = qualified()  # the champion has scored someone, so the refresh can run
    firm = qualified(**kwargs)
    refresh(db, actor=ACTOR)
    assert members.current(db) == {bystander.uscc}
    rules_now = policy_service.current(db)
    gathered = facts.gather(
        db,
        model_name="m-wl-001",
        lists=rules_now.disqualifying_lists,
        today=utcnow().date(),
        now=utcnow(),
        usccs=[firm.uscc],
    )
    judged = rules.judge(gathered, policy=rules_now, today=utcnow().date(), now=utcnow())
    assert judged[firm.uscc] == reasons


def list_on(db: Session, uscc: str, kind: str, *, end: date | None = None) -> None:
    batch = SourceBatch(
        kind="public_credit_events",
        file_name="events.csv",
        content_hash=f"{uscc}{kind}".ljust(64, "0")[:64],
        file_format="utf-8",
        status=BatchStatus.LOADED,
        loaded_by="test",
    )
    db.add(batch)
    db.flush()
    assert batch.id is not None
    db.add(
        CreditEvent(
            event_id=f"{uscc}-{kind}",
            batch_id=batch.id,
            uscc=uscc,
            kind=kind,
            event_date=utcnow().date() - timedelta(days=10),
            department="法院",
            publicity_end=end,
        )
    )
    db.flush()


def deregister(db: Session, firm: Enterprise) -> None:
    firm.status = EnterpriseStatus.DEREGISTERED
    db.add(firm)
    db.flush()


def stale_demand(db: Session, firm: Enterprise) -> None:
    for application in db.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == firm.uscc)
    ):
        application.created_at = utcnow() - timedelta(days=91)
        db.add(application)
    db.flush()


EXITS: list[tuple[str, Callable[[Session, Enterprise], None]]] = [
    ("grade", lambda db, firm: score(db, firm.uscc, "C")),
    ("serious_dishonesty", lambda db, firm: list_on(db, firm.uscc, "serious_dishonesty")),
    ("dishonest_debtor", lambda db, firm: list_on(db, firm.uscc, "dishonest_debtor")),
    ("abnormal_operation", lambda db, firm: list_on(db, firm.uscc, "abnormal_operation")),
    ("deregistered", deregister),
    ("demand_expired", stale_demand),
]


@pytest.mark.parametrize(("reason", "spoil"), EXITS, ids=[e[0] for e in EXITS])
def test_a_member_that_stops_qualifying_exits_with_its_reason(
    db: Session, qualified: Make, reason: str, spoil: Callable[[Session, Enterprise], None]
) -> None:
    firm, stays = qualified(), qualified()
    refresh(db, actor=ACTOR)
    spoil(db, firm)
    result = refresh(db, actor=ACTOR)
    assert result.version is not None and result.version.number == 2
    assert (result.version.exits, result.version.joins, result.version.unchanged) == (1, 0, 1)
    change = changes(db, 2)[firm.uscc]
    assert change.kind == "exit" and change.reasons == [reason] and change.trigger == "refresh"
    assert members.current(db) == {stays.uscc}


def test_an_expired_listing_no_longer_disqualifies(db: Session, qualified: Make) -> None:
    firm = qualified()
    list_on(db, firm.uscc, "abnormal_operation", end=utcnow().date() - timedelta(days=1))
    refresh(db, actor=ACTOR)
    assert firm.uscc in members.current(db)


def test_a_policy_change_is_a_new_audited_version_and_refresh_applies_it(
    db: Session, qualified: Make
) -> None:
    firm = qualified(grade="C")
    refresh(db, actor=ACTOR)
    assert firm.uscc not in members.current(db)
    changed = policy_service.change(
        db,
        data=policy_service.PolicyChange(allowed_grades=["A", "B", "C"], note="扩大覆盖"),
        actor=ACTOR,
    )
    assert changed.version == 2 and changed.allowed_grades == ["A", "B", "C"]
    assert changed.min_operating_months == 12  # kept from version 1
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "whitelist_policy.changed")).one()
    assert event.detail["changed"] == {"allowed_grades": ["A", "B", "C"]}
    result = refresh(db, actor=ACTOR)
    assert result.version is not None and result.version.policy_version == 2
    assert firm.uscc in members.current(db)


def test_too_young_after_the_office_raises_the_minimum(db: Session, qualified: Make) -> None:
    firm = qualified(age_days=500)
    refresh(db, actor=ACTOR)
    policy_service.change(
        db, data=policy_service.PolicyChange(min_operating_months=24), actor=ACTOR
    )
    refresh(db, actor=ACTOR)
    last = db.exec(
        select(WhitelistChange)
        .where(WhitelistChange.uscc == firm.uscc)
        .order_by(col(WhitelistChange.id).desc())
    ).first()
    assert last is not None and last.kind == "exit" and last.reasons == ["too_young"]


@pytest.mark.parametrize(
    "fields",
    [
        {"allowed_grades": ["F"]},
        {"disqualifying_lists": ["red_list"]},
        {"min_operating_months": -1},
        {"demand_window_days": 0},
        {"allowed_grades": []},
        {"surprise": 1},
    ],
)
def test_bad_policy_changes_are_refused(fields: dict[str, object]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        policy_service.PolicyChange.model_validate(fields)


def test_refresh_needs_a_champion_that_has_scored(db: Session, champion: ModelVersion) -> None:
    with pytest.raises(ChampionNotScored, match="has not scored"):
        refresh(db, actor=ACTOR)
    champion.is_champion = False
    db.add(champion)
    db.flush()
    with pytest.raises(NoChampion):
        refresh(db, actor=ACTOR)
    assert db.exec(select(WhitelistVersion)).first() is None
