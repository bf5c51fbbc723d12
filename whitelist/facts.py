"""What the whitelist rules judge, for every enterprise (or a few), read in a handful of queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from app.applications.models import ApplicationStatus, FinancingApplication
from app.consent.models import Authorization
from app.core.clock import to_local
from app.enterprises.models import Enterprise
from scoring.scores.models import Score
from scoring.sources.models import CreditEvent
from whitelist import rules
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

    def only(column: Any) -> list[Any]:
        return [column.in_(list(usccs))] if usccs is not None else []

    def rows(query: Any) -> list[tuple[Any, ...]]:
        # Core rows as plain tuples: ORM result processing and pandas probing SQLAlchemy rows
        # cost seconds at city scale.
        return [tuple(row) for row in session.connection().execute(query).all()]

    registry = rows(
        select(
            col(Enterprise.uscc), col(Enterprise.status), col(Enterprise.registration_date)
        ).where(*only(col(Enterprise.uscc)))
    )
    frame = pd.DataFrame(registry, columns=["uscc", "status", "registration_date"])
    frame = frame.set_index("uscc").assign(status=lambda f: f["status"].map(str))
    codes = frame.index.tolist()

    # Joined to the aggregate, not `id IN (…)`: PostgreSQL plans a hash join instead of a
    # primary-key lookup per enterprise.
    latest = (
        select(func.max(Score.id).label("id"))
        .where(Score.model_name == model_name, *only(col(Score.uscc)))
        .group_by(col(Score.uscc))
        .subquery()
    )
    grades = rows(select(Score.uscc, Score.grade).join(latest, col(Score.id) == latest.c.id))
    frame["grade"] = _column(grades, codes)

    listed = rows(
        select(CreditEvent.uscc, CreditEvent.kind).where(
            col(CreditEvent.kind).in_(list(lists)),
            col(CreditEvent.superseded_by_batch_id).is_(None),
            col(CreditEvent.removed).is_not(True),
            col(CreditEvent.repaired).is_not(True),
            func.coalesce(CreditEvent.publicity_start, CreditEvent.event_date) <= today,
            func.coalesce(CreditEvent.publicity_end, date.max) >= today,
            *only(col(CreditEvent.uscc)),
        )
    )
    listings: dict[str, set[str]] = {}
    for uscc, kind in listed:
        listings.setdefault(uscc, set()).add(kind)
    frame["listings"] = [sorted(listings.get(u, ())) for u in codes]

    demand = rows(
        select(FinancingApplication.uscc, func.max(FinancingApplication.created_at))
        .where(col(FinancingApplication.status).not_in(list(ENDED_DEMAND)))
        .where(*only(col(FinancingApplication.uscc)))
        .group_by(col(FinancingApplication.uscc))
    )
    frame["last_demand_at"] = _column(demand, codes)
    newest = (
        select(func.max(FinancingApplication.id).label("id"))
        .where(*only(col(FinancingApplication.uscc)))
        .group_by(col(FinancingApplication.uscc))
        .subquery()
    )
    last = rows(
        select(
            FinancingApplication.uscc,
            FinancingApplication.created_at,
            FinancingApplication.status,
        ).join(newest, col(FinancingApplication.id) == newest.c.id)
    )
    frame["last_application_at"] = _column([(u, at) for u, at, _ in last], codes)
    frame["last_application_status"] = _column([(u, str(s)) for u, _, s in last], codes)

    consents = rows(
        select(
            Authorization.uscc,
            # 1 when a grant is in force now, else 0: the max over the enterprise's grants
            func.max(
                case(
                    (
                        and_(
                            col(Authorization.revoked_at).is_(None),
                            col(Authorization.expires_at) > now,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .where(*only(col(Authorization.uscc)))
        .group_by(col(Authorization.uscc))
    )
    active = dict(consents)
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
