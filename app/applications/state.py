"""The application state machine (SPEC §6), in one place: the legal moves and the one way to move.

``submitted → matched → recommended → accepted | declined → approved | rejected → disbursed``,
or ``withdrawn`` / ``expired``. Matching, leads and bank feedback drive the middle; the
enterprise withdraws; a scheduled sweep expires. Every move is a row in
``application_transitions``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.applications import repository
from app.applications.exceptions import ApplicationChanged, IllegalTransition
from app.applications.models import ApplicationStatus, ApplicationTransition, FinancingApplication
from app.audit.service import Actor
from app.core.clock import utcnow

S = ApplicationStatus

# Withdrawal is the enterprise's own choice until a bank has approved the loan.
WITHDRAWABLE = frozenset({S.SUBMITTED, S.MATCHED, S.RECOMMENDED, S.ACCEPTED, S.DECLINED})
# Expiry ends needs nobody is acting on; once a bank has accepted the lead, the bank decides.
EXPIRABLE = frozenset({S.SUBMITTED, S.MATCHED, S.RECOMMENDED, S.DECLINED})

_FORWARD: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.SUBMITTED: frozenset({S.MATCHED}),
    S.MATCHED: frozenset({S.RECOMMENDED}),
    S.RECOMMENDED: frozenset({S.ACCEPTED, S.DECLINED}),
    S.ACCEPTED: frozenset({S.APPROVED, S.REJECTED}),
    # A declined enterprise is offered the next matched bank, with its consent (SPEC §6).
    S.DECLINED: frozenset({S.RECOMMENDED}),
    S.APPROVED: frozenset({S.DISBURSED}),
}

TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    status: _FORWARD.get(status, frozenset())
    | ({S.WITHDRAWN} if status in WITHDRAWABLE else frozenset())
    | ({S.EXPIRED} if status in EXPIRABLE else frozenset())
    for status in ApplicationStatus
}
TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


def can_move(current: ApplicationStatus, to: ApplicationStatus) -> bool:
    """Whether ``current → to`` is a legal move."""
    return to in TRANSITIONS[current]


def submit(session: Session, *, application: FinancingApplication, actor: Actor) -> None:
    """Store a new application as submitted and record its first transition (from none)."""
    application.status = S.SUBMITTED
    session.add(application)
    session.flush()
    _record(
        session,
        application=application,
        from_status=None,
        actor=actor,
        reason=None,
        at=application.created_at,
    )


def transition(
    session: Session,
    *,
    application: FinancingApplication,
    to: ApplicationStatus,
    actor: Actor,
    reason: str | None = None,
) -> ApplicationTransition:
    """Move ``application`` to ``to`` and record who, when and why; refuse illegal moves."""
    current = application.status
    if not can_move(current, to):
        raise IllegalTransition(
            f"application {application.id} cannot go from {current.value} to {to.value}",
            from_status=current.value,
            to_status=to.value,
            allowed=sorted(s.value for s in TRANSITIONS[current]),
        )
    assert application.id is not None
    now = utcnow()
    # Compare-and-set: a bank accepting while the enterprise withdraws must not both win.
    if not repository.move_if(
        session, application_id=application.id, current=current, to=to, at=now
    ):
        repository.reload(session, application)
        raise ApplicationChanged(
            f"application {application.id} changed meanwhile; it is now {application.status.value}"
        )
    repository.reload(session, application)
    return _record(
        session, application=application, from_status=current, actor=actor, reason=reason, at=now
    )


def _record(
    session: Session,
    *,
    application: FinancingApplication,
    from_status: ApplicationStatus | None,
    actor: Actor,
    reason: str | None,
    at: datetime,
) -> ApplicationTransition:
    assert application.id is not None
    entry = ApplicationTransition(
        application_id=application.id,
        from_status=from_status,
        to_status=application.status,
        actor=actor.ref,
        actor_role=str(actor.role),
        reason=reason,
        at=at,
    )
    session.add(entry)
    session.flush()
    return entry
