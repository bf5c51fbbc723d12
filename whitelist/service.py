"""Reading the whitelist: versions, their changes, and why an enterprise is or is not on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.core.clock import to_local, utcnow
from scoring.registry import service as registry_service
from scoring.registry.exceptions import NoChampion
from whitelist import facts, policy, repository, rules
from whitelist.exceptions import EnterpriseNotRegistered, WhitelistVersionNotFound
from whitelist.models import WhitelistChange, WhitelistVersion


def versions(
    session: Session, *, offset: int = 0, limit: int = 50
) -> tuple[Sequence[WhitelistVersion], int]:
    return repository.versions_page(session, offset=offset, limit=limit)


def version(session: Session, *, number: int) -> WhitelistVersion:
    row = repository.version(session, number)
    if row is None:
        raise WhitelistVersionNotFound(f"whitelist version {number} does not exist")
    return row


def changes(
    session: Session, *, number: int, kind: str | None = None, offset: int = 0, limit: int = 100
) -> tuple[Sequence[WhitelistChange], int]:
    """The joins and exits a version made (its diff against the list before it)."""
    version(session, number=number)
    return repository.changes_page(session, number=number, kind=kind, offset=offset, limit=limit)


def members_of(session: Session, *, number: int) -> list[str]:
    """Who was on the list as version ``number`` left it: its changes and all before, replayed."""
    return members_through(session, through=version(session, number=number).through_change_id)


def members_through(session: Session, *, through: int) -> list[str]:
    """Who was on the list once every change with id ≤ ``through`` had happened, in order."""
    on: set[str] = set()
    for uscc, kind in repository.moves_through(session, through=through):
        if kind == "join":
            on.add(uscc)
        else:
            on.discard(uscc)
    return sorted(on)


def members_among(session: Session, *, usccs: Sequence[str]) -> set[str]:
    """Which of ``usccs`` are on the whitelist now (one query)."""
    return repository.member_codes(session, usccs) if usccs else set()


def explain(session: Session, *, uscc: str, now: datetime | None = None) -> dict[str, Any]:
    """Whether the enterprise is on the whitelist and, rule by rule, pass or fail and why."""
    moment = now or utcnow()
    today = to_local(moment).date()
    rules_now = policy.current(session)
    newest = repository.latest_version(session)
    try:
        model_name = registry_service.champion(session).name
    except NoChampion:
        model_name = newest.model_name if newest else ""
    found = facts.of_enterprise(
        session,
        model_name=model_name,
        lists=rules_now.disqualifying_lists,
        today=today,
        now=moment,
        uscc=uscc,
    )
    if found is None:
        raise EnterpriseNotRegistered(f"enterprise {uscc} is not in the registry")
    outcomes = rules.explain(found, policy=rules_now, today=today, now=moment)
    member = repository.member(session, uscc)
    last_exit = repository.last_exit(session, uscc)
    return {
        "uscc": uscc,
        "on_whitelist": member is not None,
        "since_version": member.since_version if member else None,
        "whitelist_version": newest.number if newest else None,
        "policy_version": rules_now.version,
        "model": model_name or None,
        "qualifies_now": all(o.ok for o in outcomes),
        "rules": [
            {
                "rule": o.rule,
                "passed": o.ok,
                "reason": None if o.ok else o.code,
                "value": o.value,
                "requirement": o.requirement,
                "text": o.text,
            }
            for o in outcomes
        ],
        "last_exit": (
            {"at": last_exit.at, "reasons": last_exit.reasons, "trigger": last_exit.trigger}
            if last_exit and member is None
            else None
        ),
    }
