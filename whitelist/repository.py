"""Every query the whitelist makes: its versions and changes, and the facts its rules judge.

The fact queries run on the session's connection and return plain tuples: ORM result
processing and pandas probing SQLAlchemy rows cost seconds at city scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.applications.models import ApplicationStatus, FinancingApplication
from app.consent.models import Authorization
from app.core.db import table_of
from app.enterprises.models import Enterprise
from scoring.scores.models import Score
from scoring.sources.models import CreditEvent
from whitelist.models import (
    ChangeKind,
    WhitelistChange,
    WhitelistMember,
    WhitelistPolicy,
    WhitelistVersion,
)

Rows = list[tuple[Any, ...]]
CHUNK = 5000

# Policy versions


def policies_newest_first(session: Session) -> Sequence[WhitelistPolicy]:
    return session.exec(select(WhitelistPolicy).order_by(col(WhitelistPolicy.version).desc())).all()


def newest_policy(session: Session) -> WhitelistPolicy | None:
    return session.exec(
        select(WhitelistPolicy).order_by(col(WhitelistPolicy.version).desc())
    ).first()


def policy(session: Session, version: int) -> WhitelistPolicy | None:
    return session.get(WhitelistPolicy, version)


# Members


def member_codes(session: Session, usccs: Sequence[str] | None = None) -> set[str]:
    """The codes of the members now, or of those among ``usccs``."""
    query = select(WhitelistMember.uscc)
    if usccs is not None:
        query = query.where(col(WhitelistMember.uscc).in_(list(usccs)))
    return set(session.exec(query).all())


def append_changes(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table_of(WhitelistChange)), list(rows[start : start + CHUNK]))


def remove_members(session: Session, usccs: Sequence[str]) -> None:
    for start in range(0, len(usccs), CHUNK):
        session.execute(
            delete(WhitelistMember).where(
                col(WhitelistMember.uscc).in_(list(usccs[start : start + CHUNK]))
            )
        )


def add_members(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table_of(WhitelistMember)), list(rows[start : start + CHUNK]))


# Versions and changes


def latest_version(session: Session) -> WhitelistVersion | None:
    """The newest version, or None before the first refresh."""
    newest = select(WhitelistVersion).order_by(col(WhitelistVersion.number).desc())
    return session.exec(newest).first()


def version(session: Session, number: int) -> WhitelistVersion | None:
    return session.get(WhitelistVersion, number)


def versions_page(
    session: Session, *, offset: int, limit: int
) -> tuple[Sequence[WhitelistVersion], int]:
    """Versions, newest first, and how many there are in all."""
    rows = session.exec(
        select(WhitelistVersion)
        .order_by(col(WhitelistVersion.number).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(WhitelistVersion)).one()
    return rows, total


def changes_page(
    session: Session, *, number: int, kind: str | None, offset: int, limit: int
) -> tuple[Sequence[WhitelistChange], int]:
    """A version's changes in the order they happened, and how many there are in all."""
    where = [WhitelistChange.version_number == number]
    if kind is not None:
        where.append(WhitelistChange.kind == kind)
    rows = session.exec(
        select(WhitelistChange)
        .where(*where)
        .order_by(col(WhitelistChange.id))
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(WhitelistChange).where(*where)).one()
    return rows, total


def moves_through(session: Session, *, through: int) -> Sequence[tuple[str, str]]:
    """(uscc, kind) of every change with id ≤ ``through``, in the order they happened."""
    return session.exec(
        select(WhitelistChange.uscc, WhitelistChange.kind)
        .where(col(WhitelistChange.id) <= through)
        .order_by(col(WhitelistChange.id))
    ).all()


def last_change_id(session: Session) -> int | None:
    """The id of the newest change, None when there is none."""
    return session.exec(select(func.max(WhitelistChange.id))).one()


def member(session: Session, uscc: str) -> WhitelistMember | None:
    return session.get(WhitelistMember, uscc)


def last_exit(session: Session, uscc: str) -> WhitelistChange | None:
    """The enterprise's most recent exit, if it ever left."""
    return session.exec(
        select(WhitelistChange)
        .where(WhitelistChange.uscc == uscc, WhitelistChange.kind == "exit")
        .order_by(col(WhitelistChange.id).desc())
    ).first()


def latest_joins(session: Session, *, through: int) -> dict[str, int | None]:
    """The version of each enterprise's latest join up to ``through`` (a change id)."""
    rows = session.exec(
        select(WhitelistChange.uscc, WhitelistChange.version_number)
        .where(WhitelistChange.kind == ChangeKind.JOIN, col(WhitelistChange.id) <= through)
        .order_by(col(WhitelistChange.id))
    ).all()
    return dict(rows)  # later joins overwrite earlier ones


def changes_between(session: Session, *, after: int, through: int) -> Sequence[Any]:
    """(uscc, kind, reasons, trigger, at) of the changes after ``after`` up to ``through``."""
    return session.execute(
        sa_select(
            col(WhitelistChange.uscc),
            col(WhitelistChange.kind),
            col(WhitelistChange.reasons),
            col(WhitelistChange.trigger),
            col(WhitelistChange.at),
        )
        .where(col(WhitelistChange.id) > after, col(WhitelistChange.id) <= through)
        .order_by(col(WhitelistChange.id))
    ).all()


# What the whitelist reads of other areas' records


def scored_count(session: Session, *, model_name: str) -> int:
    """How many scores the model has written."""
    return session.exec(
        select(func.count()).select_from(Score).where(Score.model_name == model_name)
    ).one()


def firms(session: Session, usccs: Sequence[str]) -> Sequence[Any]:
    """(uscc, name, district, industry section, size class) of each of ``usccs``."""
    # five columns: past the arity sqlmodel's typed select() knows, so SQLAlchemy's own
    return session.execute(
        sa_select(
            col(Enterprise.uscc),
            col(Enterprise.name),
            col(Enterprise.district),
            col(Enterprise.industry_section),
            col(Enterprise.size_class),
        ).where(col(Enterprise.uscc).in_(list(usccs)))
    ).all()


def grades_at(
    session: Session, usccs: Sequence[str], *, model_name: str, at: datetime
) -> dict[str, str]:
    """Each enterprise's grade from the model's latest score at or before ``at``."""
    latest = (
        select(func.max(Score.id))
        .where(
            Score.model_name == model_name,
            col(Score.scored_at) <= at,
            col(Score.uscc).in_(list(usccs)),
        )
        .group_by(col(Score.uscc))
    )
    rows = session.exec(
        select(Score.uscc, Score.grade).where(col(Score.id).in_(latest.scalar_subquery()))
    ).all()
    return dict(rows)


# The facts the rules judge: one query each, all enterprises or only ``usccs``


def _only(column: Any, usccs: Sequence[str] | None) -> list[Any]:
    return [column.in_(list(usccs))] if usccs is not None else []


def _rows(session: Session, query: Any) -> Rows:
    return [tuple(row) for row in session.connection().execute(query).all()]


def registry_facts(session: Session, *, usccs: Sequence[str] | None) -> Rows:
    """(uscc, status, registration date) of each enterprise."""
    return _rows(
        session,
        select(
            col(Enterprise.uscc), col(Enterprise.status), col(Enterprise.registration_date)
        ).where(*_only(col(Enterprise.uscc), usccs)),
    )


def latest_grades(session: Session, *, model_name: str, usccs: Sequence[str] | None) -> Rows:
    """(uscc, grade) from each enterprise's latest score by the model."""
    # Joined to the aggregate, not `id IN (…)`: PostgreSQL plans a hash join instead of a
    # primary-key lookup per enterprise.
    latest = (
        select(func.max(Score.id).label("id"))
        .where(Score.model_name == model_name, *_only(col(Score.uscc), usccs))
        .group_by(col(Score.uscc))
        .subquery()
    )
    return _rows(
        session, select(Score.uscc, Score.grade).join(latest, col(Score.id) == latest.c.id)
    )


def listings_in_force(
    session: Session, *, lists: Sequence[str], today: date, usccs: Sequence[str] | None
) -> Rows:
    """(uscc, kind) of each disqualifying listing publicized on ``today``."""
    return _rows(
        session,
        select(CreditEvent.uscc, CreditEvent.kind).where(
            col(CreditEvent.kind).in_(list(lists)),
            col(CreditEvent.superseded_by_batch_id).is_(None),
            col(CreditEvent.removed).is_not(True),
            col(CreditEvent.repaired).is_not(True),
            func.coalesce(CreditEvent.publicity_start, CreditEvent.event_date) <= today,
            func.coalesce(CreditEvent.publicity_end, date.max) >= today,
            *_only(col(CreditEvent.uscc), usccs),
        ),
    )


def last_demand(session: Session, *, ended: Sequence[Any], usccs: Sequence[str] | None) -> Rows:
    """(uscc, created at) of each enterprise's newest application not in ``ended``."""
    return _rows(
        session,
        select(FinancingApplication.uscc, func.max(FinancingApplication.created_at))
        .where(col(FinancingApplication.status).not_in(list(ended)))
        .where(*_only(col(FinancingApplication.uscc), usccs))
        .group_by(col(FinancingApplication.uscc)),
    )


def last_applications(session: Session, *, usccs: Sequence[str] | None) -> Rows:
    """(uscc, created at, status) of each enterprise's newest application."""
    newest = (
        select(func.max(FinancingApplication.id).label("id"))
        .where(*_only(col(FinancingApplication.uscc), usccs))
        .group_by(col(FinancingApplication.uscc))
        .subquery()
    )
    return _rows(
        session,
        select(
            FinancingApplication.uscc,
            FinancingApplication.created_at,
            FinancingApplication.status,
        ).join(newest, col(FinancingApplication.id) == newest.c.id),
    )


def consents_in_force(session: Session, *, now: datetime, usccs: Sequence[str] | None) -> Rows:
    """(uscc, 1 or 0) of each enterprise that ever granted: 1 when a grant is in force now."""
    return _rows(
        session,
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
        .where(*_only(col(Authorization.uscc), usccs))
        .group_by(col(Authorization.uscc)),
    )


def submitted_applications_of_members(
    session: Session, *, limit: int
) -> Sequence[FinancingApplication]:
    """Submitted applications of whitelist members, oldest first: what routing offers next."""
    return session.exec(
        select(FinancingApplication)
        .join(WhitelistMember, col(WhitelistMember.uscc) == col(FinancingApplication.uscc))
        .where(FinancingApplication.status == ApplicationStatus.SUBMITTED)
        .order_by(col(FinancingApplication.id))
        .limit(limit)
    ).all()
