"""How leads react to other areas' events and answer their questions."""

from __future__ import annotations

from sqlmodel import Session

from app.applications.events import ApplicationEnded
from app.consent.questions import IsMatched
from app.core.events import answerer, subscriber
from app.outbox import service as outbox
from lenders.leads import holders, withdrawal
from whitelist.events import MembersExited

EXIT_TOPIC = "whitelist.exited"


@subscriber(ApplicationEnded)
def withdraw_open_leads(session: Session, event: ApplicationEnded) -> None:
    """When the need ends, its open leads end too; the banks are told."""
    withdrawal.withdraw_open(
        session,
        application_id=event.application_id,
        actor=event.actor,
        reason=event.reason,
        now=event.at,
    )


@subscriber(MembersExited)
def tell_holding_banks(session: Session, event: MembersExited) -> None:
    """Every bank that holds an exited enterprise is told, through the outbox."""
    for uscc, banks in holders.banks_holding(session, list(event.exits)).items():
        outbox.publish(
            session,
            topic=EXIT_TOPIC,
            lender_codes=banks,
            payload={
                "uscc": uscc,
                "reasons": event.exits[uscc],
                "trigger": event.trigger,
                "version": event.version_number,
                "at": event.at.isoformat(),
            },
        )


@answerer(IsMatched)
def is_matched(session: Session, question: IsMatched) -> bool:
    return holders.is_matched(session, uscc=question.uscc, lender_code=question.lender_code)
