"""Which city months the rows written since the last refresh touch: the incremental refresh
recomputes the months from the earliest of them on.

Every source says when a row was written and which business month it counts in, and the
earliest month wins: a loan disbursed (its month; a default reported on an old loan, the
default's month), a repayment (its period: a late report changes the balances of every month
from then on), a recovery, an application, a lead offered or moved, a deadline started or
ended (its due month, or the month it ended) and one left open that fell due since (time alone
made it a breach), a whitelist change, a source batch and its rejected rows, a figure the office
entered (its month, however old). An enterprise that moved district or section moves all its
rows between cuts: its months from its earliest row. Rows are looked for from the last
refresh's start less an overlap (``XYD_MONITORING_OVERLAP_SECONDS``), for a transaction that
read the clock before that start and committed after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.monitoring import repository_changes
from app.monitoring.measures import city_month, month_of


@dataclass(frozen=True)
class Changed:
    since: str | None  # the earliest month touched; None: nothing changed
    moved: list[str]  # enterprises whose district or section changed


def earliest(
    session: Session, *, last_read_from: datetime, now: datetime, overlap: timedelta
) -> Changed:
    """The earliest city month touched by rows written since ``last_read_from - overlap``, and
    by open deadlines that fell due between then and ``now``."""
    after = last_read_from - overlap
    months: list[str] = []
    for disbursed_on, defaulted_on, new in repository_changes.loans_touched(session, after=after):
        # a new loan counts from its disbursement; a known one changes only by its default
        # (the servicing rules set nothing else a measure reads)
        months.append(month_of(defaulted_on if defaulted_on and not new else disbursed_on))
    months += _months(repository_changes.earliest_written(session, after=after))
    fallen = repository_changes.earliest_fallen_due(session, after=after, before=now)
    months += _months({"fallen_due_at": fallen})
    moved = repository_changes.moved(session)
    if moved:
        months += _months(repository_changes.earliest_of(session, usccs=moved))
    return Changed(since=min(months, default=None), moved=moved)


def _months(earliest_by_source: dict[str, Any]) -> list[str]:
    months = []
    for value in earliest_by_source.values():
        if value is None:
            continue
        if isinstance(value, str):  # a period or an entered figure's month, "YYYY-MM"
            months.append(value)
        elif isinstance(value, datetime):
            months.append(city_month(value))
        elif isinstance(value, date):
            months.append(month_of(value))
    return months
