"""Exits at once: a disqualifying event between refreshes removes the enterprise right away.

Called in the transaction that records the event — an ingested public-credit or registry
record, a consent revocation, a withdrawn application — so the exit exists exactly when the
event does, with its reasons, and the banks holding the enterprise's lead are told through
the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from app.core.clock import utcnow
from whitelist import members, policy
from whitelist.models import Trigger
from whitelist.refresh import latest


def reassess(
    session: Session,
    usccs: Sequence[str],
    *,
    trigger: Trigger,
    now: datetime | None = None,
) -> dict[str, list[str]]:
    """Members among ``usccs`` that no longer qualify leave now; returns their reasons."""
    on_list = sorted(members.current(session, list(dict.fromkeys(usccs))))
    if not on_list:
        return {}
    version = latest(session)
    if version is None:  # members exist only through a version; nothing to judge against
        return {}
    moment = now or utcnow()
    from whitelist import facts  # pandas loads with the first judgement, not the web app

    judged = facts.judged(
        session,
        model_name=version.model_name,
        policy=policy.current(session),
        now=moment,
        usccs=on_list,
    )
    exits = {
        uscc: (judged[uscc] if uscc in judged.index else ["deregistered"])
        for uscc in on_list
        if uscc not in judged.index or judged[uscc]
    }
    if exits:
        members.record(
            session, joins=[], exits=exits, trigger=trigger, at=moment, version_number=None
        )
    return exits
