"""Membership writes shared by the refresh and the exits at once: changes, members, outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from app.applications.models import FinancingApplication
from app.applications.state import TERMINAL
from app.core.db import table_of
from app.outbox import service as outbox
from lenders.leads import state as lead_state
from lenders.leads.models import Lead
from whitelist.models import ChangeKind, Trigger, WhitelistChange, WhitelistMember

CHUNK = 5000
EXIT_TOPIC = "whitelist.exited"


def lead_holders(session: Session, usccs: Sequence[str]) -> dict[str, set[str]]:
    """The banks that hold each enterprise's lead: a lead still open or disbursed, or the bank
    an open application chose."""
    holders: dict[str, set[str]] = {}
    for start in range(0, len(usccs), CHUNK):
        chunk = list(usccs[start : start + CHUNK])
        chosen = session.exec(
            select(FinancingApplication.uscc, FinancingApplication.lender_code).where(
                col(FinancingApplication.uscc).in_(chunk),
                col(FinancingApplication.lender_code).is_not(None),
                col(FinancingApplication.status).not_in(list(TERMINAL)),
            )
        ).all()
        leads = session.exec(
            select(Lead.uscc, Lead.lender_code).where(
                col(Lead.uscc).in_(chunk), col(Lead.status).in_(list(lead_state.HELD))
            )
        ).all()
        for uscc, code in [*chosen, *leads]:
            if code:
                holders.setdefault(uscc, set()).add(code)
    return holders


def record(
    session: Session,
    *,
    joins: Sequence[str],
    exits: dict[str, list[str]],
    trigger: Trigger,
    at: datetime,
    version_number: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append the changes, move the members, and tell the banks holding leads of each exit."""
    rows: list[dict[str, Any]] = [
        {
            "version_number": version_number,
            "uscc": uscc,
            "kind": ChangeKind.JOIN.value,
            "reasons": [],
            "trigger": trigger.value,
            "detail": detail or {},
            "at": at,
        }
        for uscc in joins
    ] + [
        {
            "version_number": version_number,
            "uscc": uscc,
            "kind": ChangeKind.EXIT.value,
            "reasons": reasons,
            "trigger": trigger.value,
            "detail": detail or {},
            "at": at,
        }
        for uscc, reasons in exits.items()
    ]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table_of(WhitelistChange)), rows[start : start + CHUNK])
    leaving = list(exits)
    for start in range(0, len(leaving), CHUNK):
        session.execute(
            delete(WhitelistMember).where(
                col(WhitelistMember.uscc).in_(leaving[start : start + CHUNK])
            )
        )
    if joins:
        assert version_number is not None, "only a refresh adds members"
        members = [{"uscc": u, "since_version": version_number, "joined_at": at} for u in joins]
        for start in range(0, len(members), CHUNK):
            session.execute(insert(table_of(WhitelistMember)), members[start : start + CHUNK])
    holders = lead_holders(session, leaving)
    for uscc, banks in holders.items():
        outbox.publish(
            session,
            topic=EXIT_TOPIC,
            lender_codes=banks,
            payload={
                "uscc": uscc,
                "reasons": exits[uscc],
                "trigger": trigger.value,
                "version": version_number,
                "at": at.isoformat(),
            },
        )
    session.flush()


def current(session: Session, usccs: Sequence[str] | None = None) -> set[str]:
    query = select(WhitelistMember.uscc)
    if usccs is not None:
        query = query.where(col(WhitelistMember.uscc).in_(list(usccs)))
    return set(session.exec(query).all())
