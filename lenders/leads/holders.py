"""Which banks hold an enterprise: the one rule the whitelist's exit notices and consent share.

A bank holds an enterprise while a need of it is live with the bank — an application that chose
the bank and has not ended, or a lead of the bank still open or disbursed. A need has ended when
its application is terminal, except a disbursed one: the bank's loan is out, so it still holds.
A bank is *matched* with the enterprise when it holds it, or matching found one of the bank's
products for an application that has not ended.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from app.applications import repository as application_repository
from app.applications.models import ApplicationStatus
from app.applications.state import TERMINAL
from lenders.leads import queries
from lenders.leads.state import HELD
from lenders.matching import repository as matching_repository

ENDED = TERMINAL - {ApplicationStatus.DISBURSED}
CHUNK = 5000


def banks_holding(session: Session, usccs: Sequence[str]) -> dict[str, set[str]]:
    """The lender codes that hold each of ``usccs``; enterprises no bank holds are left out."""
    holders: dict[str, set[str]] = {}
    for start in range(0, len(usccs), CHUNK):
        chunk = list(usccs[start : start + CHUNK])
        chosen = application_repository.chosen_lenders(session, chunk, ended=ENDED)
        leads = queries.lenders_of_leads(session, chunk, statuses=HELD)
        for uscc, code in [*chosen, *leads]:
            if code:
                holders.setdefault(uscc, set()).add(code)
    return holders


def is_matched(session: Session, *, uscc: str, lender_code: str) -> bool:
    """Whether the bank holds the enterprise or was matched with one of its live needs."""
    if lender_code in banks_holding(session, [uscc]).get(uscc, set()):
        return True
    return matching_repository.matched_while_live(
        session, uscc=uscc, lender_code=lender_code, ended=ENDED
    )
