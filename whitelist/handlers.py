"""How the whitelist reacts to other areas' events and answers their questions."""

from __future__ import annotations

from sqlmodel import Session

from app.applications.questions import DemandWindowDays
from app.core.events import answerer, subscriber
from app.enterprises.events import EnterpriseFactsChanged
from whitelist import exits, policy
from whitelist.models import Trigger


@subscriber(EnterpriseFactsChanged)
def exit_at_once(session: Session, event: EnterpriseFactsChanged) -> None:
    """Members among the enterprises that no longer qualify leave now (SPEC §5)."""
    exits.reassess(session, event.usccs, trigger=Trigger(event.trigger.value), now=event.at)


@answerer(DemandWindowDays)
def demand_window_days(session: Session, _question: DemandWindowDays) -> int:
    return policy.current(session).demand_window_days
