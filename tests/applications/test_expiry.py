"""The expiry sweep: stale needs end, recorded, and their holders leave the whitelist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select

from app.applications import expiry, state
from app.applications.models import ApplicationStatus, ApplicationTransition, FinancingApplication
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.clock import utcnow
from app.enterprises.models import Enterprise
from tests.factories import make_application, make_enterprise
from whitelist import members
from whitelist import policy as whitelist_policy
from whitelist.models import WhitelistChange
from whitelist.refresh import refresh

ACTOR = SystemActor("sweeper")
S = ApplicationStatus
Make = Callable[..., Enterprise]


def moved(db: Session, application: FinancingApplication, *path: ApplicationStatus) -> None:
    for to in path:
        state.transition(db, application=application, to=to, actor=ACTOR)


def test_an_application_older_than_the_window_expires_with_its_transition(db: Session) -> None:
    firm = make_enterprise(db)
    stale = make_application(db, firm)
    swept = expiry.expire_stale(db, actor=ACTOR, now=utcnow() + timedelta(days=91))
    assert swept.expired == [stale.id] and swept.window_days == 90
    db.refresh(stale)
    assert stale.status is S.EXPIRED
    last = db.exec(
        select(ApplicationTransition)
        .where(ApplicationTransition.application_id == stale.id)
        .order_by(ApplicationTransition.id.desc())  # type: ignore[union-attr]
    ).first()
    assert last is not None
    assert (last.from_status, last.to_status) == (S.SUBMITTED, S.EXPIRED)
    assert last.actor == ACTOR.ref and last.reason and "90" in last.reason
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "applications.expired")).one()
    assert audit.detail["count"] == 1


def test_a_need_inside_the_window_stays(db: Session) -> None:
    fresh = make_application(db, make_enterprise(db))
    swept = expiry.expire_stale(db, actor=ACTOR, now=utcnow() + timedelta(days=89))
    assert swept.expired == []
    db.refresh(fresh)
    assert fresh.status is S.SUBMITTED
    audit = select(AuditEvent).where(AuditEvent.action == "applications.expired")
    assert db.exec(audit).all() == []


def test_every_expirable_state_expires_and_an_accepted_one_waits_for_its_bank(
    db: Session,
) -> None:
    firm = make_enterprise(db)
    matched, recommended, declined, accepted = (make_application(db, firm) for _ in range(4))
    moved(db, matched, S.MATCHED)
    moved(db, recommended, S.MATCHED, S.RECOMMENDED)
    moved(db, declined, S.MATCHED, S.RECOMMENDED, S.DECLINED)
    moved(db, accepted, S.MATCHED, S.RECOMMENDED, S.ACCEPTED)
    swept = expiry.expire_stale(db, actor=ACTOR, now=utcnow() + timedelta(days=200))
    assert sorted(swept.expired) == sorted([matched.id, recommended.id, declined.id])
    db.refresh(accepted)
    assert accepted.status is S.ACCEPTED


def test_ended_applications_are_left_alone_and_a_second_sweep_changes_nothing(
    db: Session,
) -> None:
    firm = make_enterprise(db)
    withdrawn = make_application(db, firm)
    moved(db, withdrawn, S.WITHDRAWN)
    stale = make_application(db, firm)
    later = utcnow() + timedelta(days=120)
    assert expiry.expire_stale(db, actor=ACTOR, now=later).expired == [stale.id]
    again = expiry.expire_stale(db, actor=ACTOR, now=later)
    assert again.expired == [] and again.skipped == []
    db.refresh(withdrawn)
    assert withdrawn.status is S.WITHDRAWN


def test_the_window_is_the_whitelist_policys(db: Session) -> None:
    whitelist_policy.change(
        db, data=whitelist_policy.PolicyChange(demand_window_days=30), actor=ACTOR
    )
    stale = make_application(db, make_enterprise(db))
    swept = expiry.expire_stale(db, actor=ACTOR, now=utcnow() + timedelta(days=31))
    assert swept.window_days == 30 and swept.expired == [stale.id]


def test_a_member_whose_only_need_expired_leaves_the_whitelist_at_once(
    db: Session, qualified: Make
) -> None:
    firm = qualified()
    refresh(db, actor=ACTOR)
    assert firm.uscc in members.current(db)
    expiry.expire_stale(db, actor=ACTOR, now=utcnow() + timedelta(days=91))
    assert firm.uscc not in members.current(db)
    change = db.exec(
        select(WhitelistChange).where(
            WhitelistChange.uscc == firm.uscc, WhitelistChange.kind == "exit"
        )
    ).one()
    assert change.trigger == "expiry" and change.reasons == ["demand_expired"]
