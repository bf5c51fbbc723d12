"""Refreshing the monitoring cells and the bank league table from the platform's rows (on
demand, and by beat).

A refresh is incremental by default: it recomputes only the months from the earliest one the
rows written since the last refresh touch (``changes.py``), and replaces those months' cells
and league rows; the months before stay as they were, which a whole rebuild would also leave
them (``tests/monitoring/test_refresh_properties.py`` holds the two equal). Nothing changed: it only
records that it looked. ``full=True`` (and the first refresh ever) rebuilds everything, through
the city's current month. Either way the refresh is one transaction, so a page never sees half
of it, and it is audited. The pages and the API read the cells, never the source tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.config import get_settings
from app.monitoring import changes, league, measures, repository, repository_changes
from app.monitoring.models import MonitoringRefresh


@dataclass(frozen=True)
class Refreshed:
    first_month: str
    last_month: str
    cells: int  # the cells written (an incremental refresh: those of its months)
    full: bool = True
    since_month: str | None = None  # the first month recomputed; None: nothing had changed


def refresh(
    session: Session, *, actor: Actor, through: str | None = None, full: bool = False
) -> Refreshed:
    """The cells through ``through`` (default: the city's current month), incrementally
    unless ``full`` or no earlier refresh says where it read from."""
    read_from = utcnow()  # taken before any read: the next refresh looks for rows after it
    last = through or measures.city_month(read_from)
    previous = repository.last_refresh(session)
    if (
        not full
        and previous is not None
        and previous.read_from is not None
        and last >= previous.last_month  # an earlier month asked for: rebuild
    ):
        overlap = timedelta(seconds=get_settings().schedule.monitoring_overlap_seconds)
        changed = changes.earliest(
            session, last_read_from=previous.read_from, now=read_from, overlap=overlap
        )
        since = _earliest(changed.since, previous.last_month, last)
        repository_changes.remember_cuts(
            session, usccs=changed.moved, after=previous.read_from - overlap
        )
        return _write(session, actor=actor, read_from=read_from, last=last, since=since)
    repository_changes.remember_all_cuts(session)
    return _write(session, actor=actor, read_from=read_from, last=last, since=None, full=True)


def _earliest(touched: str | None, previous_last: str, last: str) -> str | None:
    """The first month to recompute: the earliest touched, and the months the last refresh did
    not reach yet (a new month: every stock stands there anew)."""
    candidates = [month for month in (touched,) if month is not None and month <= last]
    if last > previous_last:
        candidates.append(measures.next_month(previous_last))
    return min(candidates, default=None)


def _write(
    session: Session,
    *,
    actor: Actor,
    read_from: datetime,
    last: str,
    since: str | None,
    full: bool = False,
) -> Refreshed:
    written = 0
    if full or since is not None:
        cells = measures.compute(session, through=last, since=since)
        rows = [cell._asdict() | {"value": value} for cell, value in cells.items()]
        repository.replace_cells(session, rows, from_month=since)
        repository.replace_league(
            session,
            league.compute(session, through=last, now=read_from, since=since),
            from_month=since,
        )
        written = len(rows)
    first = repository.months_held(session)[0] or last
    session.add(MonitoringRefresh(
        first_month=first, last_month=last, cells=written, full=full, since_month=since,
        read_from=read_from, made_by=actor.ref,
    ))  # fmt: skip
    session.flush()
    audit_service.record(
        session, actor=actor, action="monitoring.refresh", subject_type="monitoring",
        subject_id=last,
        detail={"first_month": first, "cells": written, "full": full, "since_month": since},
    )  # fmt: skip
    return Refreshed(first_month=first, last_month=last, cells=written, full=full,
                     since_month=since)  # fmt: skip
