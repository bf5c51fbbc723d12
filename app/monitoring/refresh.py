"""Rebuilding the monitoring cells from the platform's rows (on demand, and by beat).

A rebuild is whole and idempotent: every cell (and the bank league table) is computed afresh
through the city's current month and replaces the last rebuild's in one transaction, so a late
report that changes a past month shows there, and a page never sees half a rebuild. The pages
and the API read the cells, never the source tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from app.monitoring import league, measures, repository
from app.monitoring.models import MonitoringRefresh


@dataclass(frozen=True)
class Refreshed:
    first_month: str
    last_month: str
    cells: int


def refresh(session: Session, *, actor: Actor, through: str | None = None) -> Refreshed:
    """Every cell through ``through`` (default: the city's current month)."""
    last = through or measures.city_month(utcnow())
    cells = measures.compute(session, through=last)
    rows = [cell._asdict() | {"value": value} for cell, value in cells.items()]
    repository.replace_cells(session, rows)
    repository.replace_league(session, league.compute(session, through=last, now=utcnow()))
    first = min((cell.month for cell in cells), default=last)
    session.add(MonitoringRefresh(first_month=first, last_month=last, cells=len(rows),
                                  made_by=actor.ref))  # fmt: skip
    session.flush()
    audit_service.record(
        session, actor=actor, action="monitoring.refresh", subject_type="monitoring",
        subject_id=last, detail={"first_month": first, "cells": len(rows)},
    )  # fmt: skip
    return Refreshed(first_month=first, last_month=last, cells=len(rows))
