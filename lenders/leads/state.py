"""The lead state machine, in one place, with every move recorded.

``offered → accepted | declined | expired``, ``accepted → approved | rejected``,
``approved → disbursed``; an open lead (offered, accepted, approved) is ``withdrawn`` when the
need ends (the enterprise withdraws, the application expires, the enterprise leaves the
whitelist). Every move, the offer included, is written to the outbox for the lead's bank in
the same transaction. Each lead's moves keep its application's in step (``app.applications.state``):
the callers in ``lenders.leads.service`` move both in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.audit.service import Actor
from app.core.clock import utcnow
from app.outbox import service as outbox
from lenders.leads import queries
from lenders.leads.exceptions import IllegalLeadTransition, LeadChanged
from lenders.leads.models import Lead, LeadStatus, LeadTransition

L = LeadStatus
CREATED_TOPIC = "lead.created"  # the offer, carrying the lead's payload; each move is lead.<status>

TRANSITIONS: dict[LeadStatus, frozenset[LeadStatus]] = {
    L.OFFERED: frozenset({L.ACCEPTED, L.DECLINED, L.EXPIRED, L.WITHDRAWN}),
    L.ACCEPTED: frozenset({L.APPROVED, L.REJECTED, L.WITHDRAWN}),
    L.APPROVED: frozenset({L.DISBURSED, L.WITHDRAWN}),
    L.DECLINED: frozenset(),
    L.EXPIRED: frozenset(),
    L.WITHDRAWN: frozenset(),
    L.REJECTED: frozenset(),
    L.DISBURSED: frozenset(),
}
OPEN = frozenset(status for status, targets in TRANSITIONS.items() if L.WITHDRAWN in targets)
# The bank still holds the enterprise's lead, so may read its data under a matched-banks grant.
HELD = OPEN | {L.DISBURSED}


def can_move(current: LeadStatus, to: LeadStatus) -> bool:
    return to in TRANSITIONS[current]


def offer(session: Session, *, lead: Lead, actor: Actor) -> LeadTransition:
    """Store a new lead as offered, send it to its bank, and record its first move (from none)."""
    lead.status = L.OFFERED
    session.add(lead)
    session.flush()
    outbox.publish(
        session, topic=CREATED_TOPIC, lender_codes=[lead.lender_code], payload=lead.payload
    )
    return _record(
        session, lead=lead, from_status=None, actor=actor, reason=None, at=lead.offered_at
    )


def transition(
    session: Session,
    *,
    lead: Lead,
    to: LeadStatus,
    actor: Actor,
    reason: str | None = None,
    at: datetime | None = None,
) -> LeadTransition:
    """Move ``lead`` to ``to``; refuse an illegal move; compare-and-set against a racing move."""
    current = lead.status
    if not can_move(current, to):
        raise IllegalLeadTransition(
            f"lead {lead.id} cannot go from {current.value} to {to.value}",
            from_status=current.value,
            to_status=to.value,
            allowed=sorted(s.value for s in TRANSITIONS[current]),
        )
    moment = at or utcnow()
    assert lead.id is not None
    if not queries.move_if(session, lead_id=lead.id, current=current, to=to, at=moment):
        queries.reload(session, lead)
        raise LeadChanged(f"lead {lead.id} changed meanwhile; it is now {lead.status.value}")
    queries.reload(session, lead)
    outbox.publish(
        session,
        topic=f"lead.{to.value}",
        lender_codes=[lead.lender_code],
        payload={
            "lead_id": lead.id,
            "application_id": lead.application_id,
            "uscc": lead.uscc,
            "status": to.value,
            "previous_status": current.value,
            "reason": reason,
            "at": moment.isoformat(),
        },
    )
    return _record(session, lead=lead, from_status=current, actor=actor, reason=reason, at=moment)


def _record(
    session: Session,
    *,
    lead: Lead,
    from_status: LeadStatus | None,
    actor: Actor,
    reason: str | None,
    at: datetime,
) -> LeadTransition:
    assert lead.id is not None
    entry = LeadTransition(
        lead_id=lead.id,
        from_status=from_status,
        to_status=lead.status,
        actor=actor.ref,
        actor_role=str(actor.role),
        reason=reason,
        at=at,
    )
    session.add(entry)
    session.flush()
    return entry
