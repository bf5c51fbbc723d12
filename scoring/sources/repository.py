"""Every query about batches, rejected rows and credit events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from app.core.db import table_of
from scoring.sources.models import BatchStatus, RejectedRow, SourceBatch


def get(session: Session, batch_id: int) -> SourceBatch | None:
    return session.get(SourceBatch, batch_id)


def loaded_with_hash(session: Session, *, kind: str, content_hash: str) -> SourceBatch | None:
    return session.exec(
        select(SourceBatch).where(
            SourceBatch.kind == kind,
            SourceBatch.content_hash == content_hash,
            SourceBatch.status == BatchStatus.LOADED,
        )
    ).first()


def loaded_batch_ids(session: Session, *, kind: str, as_of: datetime | None = None) -> list[int]:
    """Batches of ``kind`` that were loaded (by ``as_of``, when given), oldest first."""
    query = select(SourceBatch.id).where(
        SourceBatch.kind == kind, SourceBatch.status == BatchStatus.LOADED
    )
    if as_of is not None:
        query = query.where(col(SourceBatch.loaded_at) <= as_of)
    return [batch_id for batch_id in session.exec(query.order_by(col(SourceBatch.id))) if batch_id]


def page(
    session: Session, *, kind: str | None, offset: int, limit: int
) -> tuple[Sequence[SourceBatch], int]:
    conditions = [SourceBatch.kind == kind] if kind else []
    rows = session.exec(
        select(SourceBatch)
        .where(*conditions)
        .order_by(col(SourceBatch.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(SourceBatch).where(*conditions)).one()
    return rows, total


def rejected_page(
    session: Session, *, batch_id: int, offset: int, limit: int | None
) -> tuple[Sequence[RejectedRow], int]:
    query = (
        select(RejectedRow)
        .where(RejectedRow.batch_id == batch_id)
        .order_by(col(RejectedRow.row_number))
    )
    rows = session.exec(query.offset(offset).limit(limit)).all()
    total = session.exec(
        select(func.count()).select_from(RejectedRow).where(RejectedRow.batch_id == batch_id)
    ).one()
    return rows, total


def add_rejected(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk insert through Core (one executemany per chunk, not the ORM's per-row path)."""
    for start in range(0, len(rows), 5000):
        session.execute(insert(table_of(RejectedRow)), rows[start : start + 5000])
