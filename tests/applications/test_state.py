"""The state machine: every pair of states, legal or not, on both databases."""

from __future__ import annotations

import itertools
from datetime import UTC

import pytest
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.applications import state
from app.applications.exceptions import ApplicationChanged, IllegalTransition
from app.applications.models import ApplicationStatus, ApplicationTransition, FinancingApplication
from app.audit.service import SystemActor
from app.core.errors import ErrorKind
from tests.factories import make_application, make_enterprise

S = ApplicationStatus

# Written out from SPEC §6 and the choices in state.py, not derived from its table.
LEGAL = {
    (S.SUBMITTED, S.MATCHED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.SUBMITTED, S.EXPIRED),
    (S.MATCHED, S.RECOMMENDED),
    (S.MATCHED, S.WITHDRAWN),
    (S.MATCHED, S.EXPIRED),
    (S.RECOMMENDED, S.ACCEPTED),
    (S.RECOMMENDED, S.DECLINED),
    (S.RECOMMENDED, S.WITHDRAWN),
    (S.RECOMMENDED, S.EXPIRED),
    (S.ACCEPTED, S.APPROVED),
    (S.ACCEPTED, S.REJECTED),
    (S.ACCEPTED, S.WITHDRAWN),
    (S.DECLINED, S.RECOMMENDED),
    (S.DECLINED, S.WITHDRAWN),
    (S.DECLINED, S.EXPIRED),
    (S.APPROVED, S.DISBURSED),
}
ALL_PAIRS = list(itertools.product(ApplicationStatus, repeat=2))
BANK = SystemActor("lender:test")


def transitions_of(db: Session, application: FinancingApplication) -> list[ApplicationTransition]:
    return list(
        db.exec(
            select(ApplicationTransition)
            .where(ApplicationTransition.application_id == application.id)
            .order_by(col(ApplicationTransition.id))
        ).all()
    )


def application_in(db: Session, status: ApplicationStatus) -> FinancingApplication:
    """An application placed directly in ``status``, as if earlier moves had happened."""
    application = make_application(db, make_enterprise(db))
    application.status = status
    db.add(application)
    db.flush()
    return application


def test_the_table_is_the_documented_one() -> None:
    table = {(a, b) for a, targets in state.TRANSITIONS.items() for b in targets}
    assert table == LEGAL
    terminal, withdrawable = state.TERMINAL, state.WITHDRAWABLE
    assert terminal == {S.DISBURSED, S.REJECTED, S.WITHDRAWN, S.EXPIRED}
    assert withdrawable == {S.SUBMITTED, S.MATCHED, S.RECOMMENDED, S.ACCEPTED, S.DECLINED}
    assert S.APPROVED not in state.WITHDRAWABLE and S.ACCEPTED not in state.EXPIRABLE


def test_every_state_is_reachable_and_every_path_can_end() -> None:
    reached, frontier = {S.SUBMITTED}, [S.SUBMITTED]
    while frontier:
        for target in state.TRANSITIONS[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(ApplicationStatus)
    for status in set(ApplicationStatus) - state.TERMINAL:
        assert state.TRANSITIONS[status] & (state.TERMINAL | state.WITHDRAWABLE), status


@pytest.mark.parametrize(
    ("current", "to"), ALL_PAIRS, ids=[f"{a.value}->{b.value}" for a, b in ALL_PAIRS]
)
def test_transition(db: Session, current: ApplicationStatus, to: ApplicationStatus) -> None:
    application = application_in(db, current)
    before = transitions_of(db, application)
    if (current, to) in LEGAL:
        entry = state.transition(db, application=application, to=to, actor=BANK, reason="测试原因")
        db.expire_all()
        stored = db.get(FinancingApplication, application.id)
        assert stored is not None and stored.status is to
        after = transitions_of(db, application)
        assert len(after) == len(before) + 1 and after[-1].id == entry.id
        last = after[-1]
        assert (last.from_status, last.to_status) == (current, to)
        assert (last.actor, last.actor_role, last.reason) == ("lender:test", "system", "测试原因")
        assert last.at.tzinfo is not None and last.at.utcoffset() == UTC.utcoffset(None)
        assert stored.updated_at == last.at
    else:
        with pytest.raises(IllegalTransition) as raised:
            state.transition(db, application=application, to=to, actor=BANK, reason="x")
        assert raised.value.code == "illegal_transition" and raised.value.kind is ErrorKind.CONFLICT
        assert raised.value.extra["from_status"] == current.value
        db.expire_all()
        stored = db.get(FinancingApplication, application.id)
        assert stored is not None and stored.status is current
        assert len(transitions_of(db, application)) == len(before)


def test_submission_is_the_first_transition(db: Session) -> None:
    application = make_application(db, make_enterprise(db))
    [first] = transitions_of(db, application)
    assert first.from_status is None and first.to_status is S.SUBMITTED
    assert first.actor == "test" and first.at == application.created_at
    assert application.status is S.SUBMITTED


def test_a_full_journey_is_recorded_in_order(db: Session) -> None:
    application = make_application(db, make_enterprise(db))
    path = [S.MATCHED, S.RECOMMENDED, S.DECLINED, S.RECOMMENDED, S.ACCEPTED, S.APPROVED]
    for to in [*path, S.DISBURSED]:
        state.transition(db, application=application, to=to, actor=BANK)
    steps = [(t.from_status, t.to_status) for t in transitions_of(db, application)]
    froms: list[ApplicationStatus | None] = [None, S.SUBMITTED, *path]
    assert steps == list(zip(froms, [S.SUBMITTED, *path, S.DISBURSED], strict=True))


def test_a_stale_copy_cannot_overwrite_a_newer_move(db: Session) -> None:
    """Two actors read 'recommended'; the bank accepts first; the late withdrawal is refused."""
    application = application_in(db, S.RECOMMENDED)
    db.exec(
        update(FinancingApplication)
        .where(col(FinancingApplication.id) == application.id)
        .values(status=S.ACCEPTED)
        .execution_options(synchronize_session=False)
    )
    assert application.status is S.RECOMMENDED  # the stale in-memory copy
    count = db.exec(select(func.count()).select_from(ApplicationTransition)).one()
    with pytest.raises(ApplicationChanged) as raised:
        state.transition(db, application=application, to=S.DECLINED, actor=BANK)
    assert raised.value.code == "application_changed"
    assert application.status is S.ACCEPTED  # reloaded, so the caller sees the truth
    assert db.exec(select(func.count()).select_from(ApplicationTransition)).one() == count
