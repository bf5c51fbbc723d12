"""Every query about batches, rejected rows and credit events, and the loaders' registry writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import Session, col, select

from app.core.db import table_of
from app.enterprises.models import Enterprise
from scoring.sources.models import BatchStatus, CreditEvent, RejectedRow, SourceBatch

CHUNK = 5000


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


def loaded_version(session: Session) -> tuple[int, int]:
    """The newest loaded batch's id and the number of loaded batches (0, 0 before any)."""
    newest, count = session.exec(
        select(func.max(SourceBatch.id), func.count()).where(
            SourceBatch.status == BatchStatus.LOADED
        )
    ).one()
    return int(newest or 0), int(count)


def loaded_content_hashes(session: Session) -> Sequence[str]:
    """The content hash of every loaded batch, oldest first."""
    return session.exec(
        select(SourceBatch.content_hash)
        .where(SourceBatch.status == BatchStatus.LOADED)
        .order_by(col(SourceBatch.id))
    ).all()


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


def supersede_events(session: Session, *, event_ids: list[Any], batch_id: int) -> int:
    """Mark the current version of each event as superseded by ``batch_id``; how many were."""
    superseded = 0
    for start in range(0, len(event_ids), CHUNK):
        result = session.execute(
            update(CreditEvent)
            .where(col(CreditEvent.event_id).in_(event_ids[start : start + CHUNK]))
            .where(col(CreditEvent.superseded_by_batch_id).is_(None))
            .values(superseded_by_batch_id=batch_id)
        )
        superseded += result.rowcount  # type: ignore[attr-defined]
    return superseded


def add_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk insert through Core, one executemany per chunk."""
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table_of(CreditEvent)), rows[start : start + CHUNK])


def current_events(session: Session, *, loaded_by: datetime | None) -> Sequence[CreditEvent]:
    """Event versions loaded by then and not superseded by a batch loaded by then."""
    superseding = table_of(SourceBatch).alias("superseding")
    query = select(CreditEvent).join(SourceBatch, col(CreditEvent.batch_id) == SourceBatch.id)
    if loaded_by is None:
        query = query.where(col(CreditEvent.superseded_by_batch_id).is_(None))
    else:
        query = (
            query.where(col(SourceBatch.loaded_at) <= loaded_by)
            .outerjoin(superseding, superseding.c.id == CreditEvent.superseded_by_batch_id)
            .where((superseding.c.id.is_(None)) | (superseding.c.loaded_at > loaded_by))
        )
    return session.exec(query).all()


# A registration batch loads the enterprises table in bulk, through Core.
def enterprise_codes(session: Session) -> set[str]:
    """Every registered enterprise's unified social credit code."""
    return set(session.exec(select(Enterprise.uscc)).all())


def add_enterprises(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk insert through Core, one executemany per chunk."""
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table_of(Enterprise)), rows[start : start + CHUNK])


def update_enterprises(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk update by primary key (each row carries its ``uscc``)."""
    if rows:
        session.execute(update(Enterprise), rows)
