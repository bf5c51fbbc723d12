"""What the whitelist rules judge, for every enterprise (or a few), read in a handful of queries."""

from __future__ import annotations

from collections.abc import Sequence
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

    registry = repository.registry_facts(session, usccs=usccs)
    frame = pd.DataFrame(registry, columns=["uscc", "status", "registration_date"])
    frame = frame.set_index("uscc").assign(status=lambda f: f["status"].map(str))
    codes = frame.index.tolist()

    grades = repository.latest_grades(session, model_name=model_name, usccs=usccs)
    frame["grade"] = _column(grades, codes)

    listings: dict[str, set[str]] = {}
    for uscc, kind in repository.listings_in_force(session, lists=lists, today=today, usccs=usccs):
        listings.setdefault(uscc, set()).add(kind)
    frame["listings"] = [sorted(listings.get(u, ())) for u in codes]

    demand = repository.last_demand(session, ended=ENDED_DEMAND, usccs=usccs)
    frame["last_demand_at"] = _column(demand, codes)
    last = repository.last_applications(session, usccs=usccs)
    frame["last_application_at"] = _column([(u, at) for u, at, _ in last], codes)
    frame["last_application_status"] = _column([(u, str(s)) for u, _, s in last], codes)

    active: dict[str, int] = dict(repository.consents_in_force(session, now=now, usccs=usccs))
    frame["consent_active"] = [bool(active.get(u, 0)) for u in codes]
    frame["consent_ever"] = [u in active for u in codes]
    return frame[list(COLUMNS)]


def _column(pairs: list[tuple[Any, ...]], codes: list[str]) -> list[Any]:
    """Values by USCC in the order of ``codes``, None where an enterprise has none."""
    values = dict(pairs)
    return [values.get(code) for code in codes]


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
