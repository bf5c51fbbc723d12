"""The bank league table (银行排行榜) the office can publish: per bank and city month, how fast
and how reliably it answered its leads, the deadlines it broke, why it declined and how many
of its decisions were approvals.

Rebuilt with the cells (``refresh.py``) into ``monitoring_league``, so a page reads one month's
rows and never replays the leads. The order of the table: the share of answers given in time
(best first), then the median response time (shortest first), then the approval ratio (highest
first); a bank with no answer in the month comes last. Each bank sees only its own row and its
place (``position``).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlmodel import Session

from app.monitoring import repository
from app.monitoring.measures import city_month
from app.monitoring.models import MonitoringLeagueRow
from lenders.deadlines.calendar import working_minutes_between
from lenders.leads.models import DeadlineKind, DeadlineOutcome, LeadStatus

SHARE = Decimal("0.0001")


@dataclass
class _Tally:
    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    minutes: list[int] = field(default_factory=list)
    breaches: int = 0
    approved: int = 0
    decided: int = 0
    declines: Counter[str] = field(default_factory=Counter)


def compute(session: Session, *, through: str, now: datetime) -> list[dict[str, Any]]:
    """Every bank's row for every month up to ``through``, as of ``now`` (a deadline still
    open past due at ``now`` is a breach of its due month)."""
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for _lead, offered_at, lender, *_cuts in repository.leads(session):
        tallies[(city_month(offered_at), lender)].offered += 1
    for lender, kind, started, due, stored_outcome, ended in repository.deadlines(session):
        outcome = DeadlineOutcome(stored_outcome)
        answered = outcome in (DeadlineOutcome.MET, DeadlineOutcome.MISSED) and ended is not None
        if DeadlineKind(kind) is DeadlineKind.RESPOND and answered:
            tally = tallies[(city_month(ended), lender)]
            tally.answered += 1
            tally.answered_in_time += outcome is DeadlineOutcome.MET
            tally.minutes.append(working_minutes_between(started, ended))
        overdue = outcome is DeadlineOutcome.OPEN and due < now
        if outcome is DeadlineOutcome.MISSED or overdue:
            tallies[(city_month(due), lender)].breaches += 1
    for lender, stored_status, at, reason in repository.lead_answers(session):
        tally = tallies[(city_month(at), lender)]
        status = LeadStatus(stored_status)
        if status is LeadStatus.DECLINED:
            tally.declines[str(reason or "other")] += 1
        else:
            tally.decided += 1
            tally.approved += status is LeadStatus.APPROVED
    return [
        _row(month, lender, tally)
        for (month, lender), tally in sorted(tallies.items())
        if month <= through
    ]


def response_minutes(session: Session) -> list[int]:
    """Office minutes from offer to answer of every lead a bank has answered, all banks."""
    return [
        working_minutes_between(started, ended)
        for _lender, kind, started, _due, outcome, ended in repository.deadlines(session)
        if DeadlineKind(kind) is DeadlineKind.RESPOND
        and DeadlineOutcome(outcome) in (DeadlineOutcome.MET, DeadlineOutcome.MISSED)
        and ended is not None
    ]


def _row(month: str, lender: str, tally: _Tally) -> dict[str, Any]:
    minutes = sorted(tally.minutes)
    return {
        "month": month,
        "lender_code": lender,
        "offered": tally.offered,
        "answered": tally.answered,
        "answered_in_time": tally.answered_in_time,
        "median_response_minutes": round(statistics.median(minutes)) if minutes else None,
        "p90_response_minutes": nearest_rank(minutes, 0.9) if minutes else None,
        "breaches": tally.breaches,
        "approved": tally.approved,
        "decided": tally.decided,
        "declines": dict(sorted(tally.declines.items())),
    }


def nearest_rank(ordered: list[int], share: float) -> int:
    """The nearest-rank percentile of an ordered, non-empty list."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Entry:
    rank: int
    lender_code: str
    lender_name: str
    row: MonitoringLeagueRow

    @property
    def in_time_share(self) -> Decimal | None:
        return _share(self.row.answered_in_time, self.row.answered)

    @property
    def approval_ratio(self) -> Decimal | None:
        return _share(self.row.approved, self.row.decided)


def _share(top: int, bottom: int) -> Decimal | None:
    if not bottom:
        return None
    return (Decimal(top) / Decimal(bottom)).quantize(SHARE, ROUND_HALF_EVEN)


def table(session: Session, *, month: str) -> list[Entry]:
    """The month's league, best first (see the module's docstring for the order)."""
    names = repository.lender_names(session)
    rows = list(repository.league_rows(session, month=month))
    rows.sort(key=_order)
    return [
        Entry(rank=place, lender_code=row.lender_code,
              lender_name=names.get(row.lender_code, row.lender_code), row=row)
        for place, row in enumerate(rows, start=1)
    ]  # fmt: skip


def _order(row: MonitoringLeagueRow) -> tuple[Any, ...]:
    in_time = _share(row.answered_in_time, row.answered)
    approval = _share(row.approved, row.decided)
    return (
        in_time is None,
        -(in_time or 0),
        row.median_response_minutes if row.median_response_minutes is not None else math.inf,
        -(approval or 0),
        row.lender_code,
    )


@dataclass(frozen=True)
class Position:
    month: str
    banks: int
    entry: Entry | None  # None: the bank had no lead, answer or deadline in the month


def position(session: Session, *, month: str, lender_code: str) -> Position:
    """One bank's own row and place in the month's league, without the other banks' rows."""
    entries = table(session, month=month)
    own = next((entry for entry in entries if entry.lender_code == lender_code), None)
    return Position(month=month, banks=len(entries), entry=own)
