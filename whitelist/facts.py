"""What the whitelist rules judge, for every enterprise (or a few), read in a handful of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from app.applications.models import ApplicationStatus
from app.core.clock import to_local
from whitelist import repository, rules
from whitelist.models import WhitelistPolicy

# An application still states a need unless the enterprise withdrew it or it ended.
ENDED_DEMAND = (
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.EXPIRED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.DISBURSED,
)
COLUMNS = (
    "status",
    "registration_date",
    "grade",
    "listings",
    "last_demand_at",
    "last_application_at",
    "last_application_status",
    "consent_active",
    "consent_ever",
)


@dataclass(frozen=True)
class EnterpriseFacts:
    """One enterprise's facts, as ``rules.explain`` reads a row of ``gather``."""

    status: str
    registration_date: date
    grade: str | None
    listings: list[str]
    last_demand_at: datetime | None
    last_application_at: datetime | None
    last_application_status: str | None
    consent_active: bool
    consent_ever: bool


@dataclass(frozen=True)
class _Lookups:
    """The facts by USCC, read in one query per kind of fact."""

    registry: list[tuple[Any, ...]]
    grades: dict[str, Any]
    listings: dict[str, set[str]]
    demand: dict[str, Any]
    last_at: dict[str, Any]
    last_status: dict[str, str]
    consents: dict[str, int]


def _look_up(
    session: Session,
    *,
    model_name: str,
    lists: Sequence[str],
    today: date,
    now: datetime,
    usccs: Sequence[str] | None,
) -> _Lookups:
    listings: dict[str, set[str]] = {}
    for uscc, kind in repository.listings_in_force(session, lists=lists, today=today, usccs=usccs):
        listings.setdefault(uscc, set()).add(kind)
    last = repository.last_applications(session, usccs=usccs)
    return _Lookups(
        registry=[tuple(row) for row in repository.registry_facts(session, usccs=usccs)],
        grades=dict(repository.latest_grades(session, model_name=model_name, usccs=usccs)),
        listings=listings,
        demand=dict(repository.last_demand(session, ended=ENDED_DEMAND, usccs=usccs)),
        last_at={u: at for u, at, _ in last},
        last_status={u: str(s) for u, _, s in last},
        consents=dict(repository.consents_in_force(session, now=now, usccs=usccs)),
    )


def gather(
    session: Session,
    *,
    model_name: str,
    lists: Sequence[str],
    today: date,
    now: datetime,
    usccs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per enterprise (index uscc) with the facts the rules need."""
    found = _look_up(session, model_name=model_name, lists=lists, today=today, now=now, usccs=usccs)
    frame = pd.DataFrame(found.registry, columns=["uscc", "status", "registration_date"])
    frame = frame.set_index("uscc").assign(status=lambda f: f["status"].map(str))
    codes = frame.index.tolist()
    frame["grade"] = [found.grades.get(u) for u in codes]
    frame["listings"] = [sorted(found.listings.get(u, ())) for u in codes]
    frame["last_demand_at"] = [found.demand.get(u) for u in codes]
    frame["last_application_at"] = [found.last_at.get(u) for u in codes]
    frame["last_application_status"] = [found.last_status.get(u) for u in codes]
    frame["consent_active"] = [bool(found.consents.get(u, 0)) for u in codes]
    frame["consent_ever"] = [u in found.consents for u in codes]
    return frame[list(COLUMNS)]


def of_enterprise(
    session: Session,
    *,
    model_name: str,
    lists: Sequence[str],
    today: date,
    now: datetime,
    uscc: str,
) -> EnterpriseFacts | None:
    """The same facts as ``gather`` for one enterprise, without a data frame: a page reads them
    on every request, and building a one-row frame cost more than the queries."""
    found = _look_up(
        session, model_name=model_name, lists=lists, today=today, now=now, usccs=[uscc]
    )
    if not found.registry:
        return None
    [(_, status, registered)] = found.registry
    return EnterpriseFacts(
        status=str(status),
        registration_date=registered,
        grade=found.grades.get(uscc),
        listings=sorted(found.listings.get(uscc, ())),
        last_demand_at=found.demand.get(uscc),
        last_application_at=found.last_at.get(uscc),
        last_application_status=found.last_status.get(uscc),
        consent_active=bool(found.consents.get(uscc, 0)),
        consent_ever=uscc in found.consents,
    )


def judged(
    session: Session,
    *,
    model_name: str,
    policy: WhitelistPolicy,
    now: datetime,
    usccs: Sequence[str] | None = None,
) -> pd.Series:
    """Each enterprise's failing reason codes now (empty list: it qualifies)."""
    today = to_local(now).date()
    gathered = gather(
        session,
        model_name=model_name,
        lists=policy.disqualifying_lists,
        today=today,
        now=now,
        usccs=usccs,
    )
    return rules.judge(gathered, policy=policy, today=today, now=now)
