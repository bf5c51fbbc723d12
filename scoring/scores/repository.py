"""Every query about scores and score runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from app.core import receipts
from app.core.db import table_of
from scoring.scores.models import RunStatus, Score, ScoreRun

CHUNK = 5000


def add_scores(session: Session, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table_of(Score)), rows[start : start + CHUNK])


def get_run(session: Session, run_id: int) -> ScoreRun | None:
    return session.get(ScoreRun, run_id)


def previous_done(session: Session, *, before_id: int) -> ScoreRun | None:
    return session.exec(
        select(ScoreRun)
        .where(ScoreRun.status == RunStatus.DONE, col(ScoreRun.id) < before_id)
        .order_by(col(ScoreRun.id).desc())
    ).first()


def points_of(session: Session, *, run_id: int) -> pd.Series:
    return pd.Series(
        session.exec(select(Score.points).where(Score.run_id == run_id)).all(), dtype=float
    )


def count_for(session: Session, *, run_id: int) -> int:
    return session.exec(select(func.count()).select_from(Score).where(Score.run_id == run_id)).one()


def latest_for(session: Session, *, uscc: str) -> Score | None:
    return session.exec(
        select(Score)
        .where(Score.uscc == uscc)
        .order_by(col(Score.as_of).desc(), col(Score.scored_at).desc(), col(Score.id).desc())
    ).first()


def latest_grades_for(session: Session, *, usccs: Sequence[str]) -> dict[str, str]:
    """Each enterprise's grade in its latest score (ordered as ``latest_for``), in one query."""
    return {uscc: str(grade) for uscc, grade in _latest_column(session, Score.grade, usccs)}


def latest_pds_for(session: Session, *, usccs: Sequence[str]) -> dict[str, float]:
    """Each enterprise's PD in its latest score (ordered as ``latest_for``), in one query per
    thousand enterprises (an IN list stays well inside every database's parameter limit)."""
    found: dict[str, float] = {}
    codes = sorted(set(usccs))
    for start in range(0, len(codes), 1000):
        chunk = codes[start : start + 1000]
        found.update((uscc, float(pd_)) for uscc, pd_ in _latest_column(session, Score.pd, chunk))
    return found


def _latest_column(session: Session, column: Any, usccs: Sequence[str]) -> list[tuple[str, Any]]:
    if not usccs:
        return []
    newest = (
        select(
            col(Score.uscc).label("uscc"),
            col(column).label("value"),
            func.row_number()
            .over(
                partition_by=col(Score.uscc),
                order_by=(
                    col(Score.as_of).desc(),
                    col(Score.scored_at).desc(),
                    col(Score.id).desc(),
                ),
            )
            .label("rank"),
        )
        .where(col(Score.uscc).in_(list(usccs)))
        .subquery()
    )
    rows = session.exec(select(newest.c.uscc, newest.c.value).where(newest.c.rank == 1)).all()
    return [(uscc, value) for uscc, value in rows]


def history_for(session: Session, *, uscc: str, limit: int) -> Sequence[Score]:
    """The enterprise's scores, newest first (the latest first, as ``latest_for`` orders)."""
    return session.exec(
        select(Score)
        .where(Score.uscc == uscc)
        .order_by(col(Score.as_of).desc(), col(Score.scored_at).desc(), col(Score.id).desc())
        .limit(limit)
    ).all()


def lock_run(session: Session, *, run_id: int) -> ScoreRun | None:
    """The run, locked until the caller's transaction ends, so partitions count one at a time.

    Each partition takes the lock after writing its receipt and counts after getting it: the
    last to get it counts every other partition's receipt, committed when their lock was
    released. ``FOR NO KEY UPDATE``, not ``FOR UPDATE``: the scores' foreign key holds a
    ``KEY SHARE`` lock on the run, which ``FOR UPDATE`` would wait for (two partitions would
    deadlock). SQLite has one writer at a time and ignores the clause.
    """
    return session.get(
        ScoreRun, run_id, with_for_update={"key_share": True}, populate_existing=True
    )


def partitions_done(session: Session, *, run_id: int) -> int:
    """Partitions of the run whose receipts this transaction sees; see ``lock_run`` first."""
    return len(done_partitions(session, run_id=run_id))


def done_partitions(session: Session, *, run_id: int) -> set[int]:
    """The indexes of the run's partitions whose receipts this transaction sees."""
    prefix = f"{run_id}:"
    keys = receipts.keys_done(session, task="scoring.score_partition", prefix=prefix)
    return {int(key.removeprefix(prefix)) for key in keys}


def open_run_ids(session: Session) -> list[int]:
    """The runs not yet done nor failed, oldest first."""
    ids = session.exec(
        select(ScoreRun.id).where(ScoreRun.status == RunStatus.RUNNING).order_by(col(ScoreRun.id))
    ).all()
    return [run_id for run_id in ids if run_id is not None]


def runs(session: Session, *, offset: int, limit: int) -> tuple[list[ScoreRun], int]:
    rows = session.exec(
        select(ScoreRun).order_by(col(ScoreRun.id).desc()).offset(offset).limit(limit)
    ).all()
    return list(rows), session.exec(select(func.count()).select_from(ScoreRun)).one()
