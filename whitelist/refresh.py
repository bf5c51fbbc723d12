"""Refresh: judge every enterprise and write version N with its joins and exits (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import Actor
from app.core.clock import utcnow
from scoring.registry import service as registry_service
from whitelist import members, policy, repository
from whitelist.exceptions import ChampionNotScored
from whitelist.models import Trigger, WhitelistVersion


@dataclass(frozen=True)
class Refreshed:
    version: WhitelistVersion | None  # the newest version (None: there is none yet)
    changed: bool  # False: nothing new, so no version was written


def latest(session: Session) -> WhitelistVersion | None:
    """The newest version, or None before the first refresh."""
    return repository.latest_version(session)


def refresh(session: Session, *, actor: Actor, now: datetime | None = None) -> Refreshed:
    """Judge everyone under the current policy and champion; a version only if anything moved."""
    moment = now or utcnow()
    rules_now = policy.current(session)
    champion = registry_service.champion(session)
    scored = repository.scored_count(session, model_name=champion.name)
    if not scored:
        raise ChampionNotScored(
            f"champion {champion.name} has not scored any enterprise yet; run `xyd score` first"
        )
    from whitelist import facts  # pandas loads with the first judgement, not the web app

    judged = facts.judged(session, model_name=champion.name, policy=rules_now, now=moment)
    qualified = set(judged.index[judged.map(len) == 0])
    on_list = members.current(session)
    joins = sorted(qualified - on_list)
    exits = {
        uscc: judged[uscc] if uscc in judged.index else ["deregistered"]
        for uscc in sorted(on_list - qualified)
    }
    previous = latest(session)
    same_basis = previous is not None and (
        previous.policy_version == rules_now.version and previous.model_name == champion.name
    )
    if not joins and not exits and same_basis:
        return Refreshed(version=previous, changed=False)
    number = (previous.number if previous else 0) + 1
    version = WhitelistVersion(
        number=number,
        policy_version=rules_now.version,
        model_name=champion.name,
        members=len(qualified),
        joins=len(joins),
        exits=len(exits),
        unchanged=len(on_list & qualified),
        through_change_id=0,
        created_by=actor.ref,
        created_at=moment,
    )
    session.add(version)
    session.flush()
    members.record(
        session,
        joins=joins,
        exits=exits,
        trigger=Trigger.REFRESH,
        at=moment,
        version_number=number,
    )
    version.through_change_id = repository.last_change_id(session) or 0
    session.add(version)
    audit.record(
        session,
        actor=actor,
        action="whitelist.refreshed",
        subject_type="whitelist_version",
        subject_id=number,
        detail={
            "policy_version": rules_now.version,
            "model": champion.name,
            "members": version.members,
            "joins": version.joins,
            "exits": version.exits,
        },
    )
    session.flush()
    return Refreshed(version=version, changed=True)
