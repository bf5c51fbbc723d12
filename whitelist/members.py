"""Membership writes shared by the refresh and the exits at once: changes, members, events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.core import events
from whitelist import repository
from whitelist.events import MembersExited
from whitelist.models import ChangeKind, Trigger


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
    """Append the changes, move the members, and publish the exits (``MembersExited``)."""
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
    repository.append_changes(session, rows)
    repository.remove_members(session, list(exits))
    if joins:
        assert version_number is not None, "only a refresh adds members"
        members = [{"uscc": u, "since_version": version_number, "joined_at": at} for u in joins]
        repository.add_members(session, members)
    if exits:  # the banks holding leads of them are told by their subscriber
        events.publish(
            session,
            MembersExited(exits=exits, trigger=trigger.value, version_number=version_number, at=at),
        )
    session.flush()


def current(session: Session, usccs: Sequence[str] | None = None) -> set[str]:
    return repository.member_codes(session, usccs)
