"""Every query of the ops area: what a probe left behind."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from app.ops.models import ProbeAttempt, ProbeRun


def count_attempts(session: Session, *, probe_id: str) -> int:
    """How many times a worker picked the probe up."""
    return session.exec(
        select(func.count()).select_from(ProbeAttempt).where(ProbeAttempt.probe_id == probe_id)
    ).one()


def count_runs(session: Session, *, probe_id: str) -> int:
    """How many times the probe's effect was written (once, when the receipt works)."""
    return session.exec(
        select(func.count()).select_from(ProbeRun).where(ProbeRun.probe_id == probe_id)
    ).one()
