"""Large uploads load in a background task; no upload is parsed while the write lock is held."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
from sqlmodel import select

from app.audit.service import SystemActor
from app.core.db import session_scope
from app.core.taskqueue import wait_for_inline_tasks
from scoring.sources import service as source_service
from scoring.sources import uploads
from scoring.sources.contracts import CONTRACTS
from scoring.sources.models import BatchStatus, SourceBatch
from scoring.sources.tasks import load_upload
from tests.scoring.sources.rows import VALID
from tests.scoring.sources.workbooks import one_cell_sheet, workbook

ACTOR = SystemActor("operator-7")


def queued(path: Path, kind: str) -> tuple[int, Path]:
    """Receive ``path`` as an upload and queue it; the commit sends the task (in-process)."""
    with path.open("rb") as handle:
        received = uploads.receive(handle, raw_name=path.name, max_bytes=1 << 30)
    with session_scope() as session:
        batch = uploads.queue(session, received=received, contract=CONTRACTS[kind], actor=ACTOR)
        assert batch.id is not None and batch.status is BatchStatus.QUEUED
        batch_id = batch.id
    return batch_id, received.path


def batch(batch_id: int) -> SourceBatch:
    with session_scope() as session:
        found = session.get(SourceBatch, batch_id)
        assert found is not None
        return found


def test_a_queued_upload_loads_in_the_background_with_its_progress(
    committed_database: str, tmp_path: Path
) -> None:
    rows = [{**VALID["tax_monthly"], "month": f"2025-{m:02d}"} for m in range(1, 13)]
    path = tmp_path / "tax_monthly-2025.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    batch_id, stored = queued(path, "tax_monthly")
    assert wait_for_inline_tasks() == 1
    done = batch(batch_id)
    assert (done.status, done.progress_percent, done.rows_loaded) == (BatchStatus.LOADED, 100, 12)
    assert done.loaded_by == "operator-7" and done.file_name == "tax_monthly-2025.csv"
    assert stored.exists()  # the original is kept beside its batch
    assert load_upload.apply(kwargs={"batch_id": batch_id}).get() == "loaded"  # idempotent
    with session_scope() as session:
        assert len(session.exec(select(SourceBatch)).all()) == 1


def test_a_hostile_workbook_in_the_background_ends_refused_and_leaves_no_file(
    committed_database: str, tmp_path: Path
) -> None:
    path = tmp_path / "registration.xlsx"
    path.write_bytes(workbook(sheet=one_cell_sheet("XFD2000")))
    batch_id, stored = queued(path, "registration")
    wait_for_inline_tasks()
    refused = batch(batch_id)
    assert refused.status is BatchStatus.REFUSED and refused.rows_loaded == 0
    assert "registration.xlsx" in (refused.message or "") and "列" in (refused.message or "")
    assert not stored.exists()


def test_a_background_file_missing_columns_is_refused_with_the_chinese_reason(
    committed_database: str, tmp_path: Path
) -> None:
    path = tmp_path / "utility_monthly-2026.csv"
    path.write_text("uscc,month\nx,2026-01\n")
    batch_id, stored = queued(path, "utility_monthly")
    wait_for_inline_tasks()
    refused = batch(batch_id)
    assert refused.status is BatchStatus.REFUSED
    assert "缺少列 electricity_kwh（用电量）" in (refused.message or "")
    assert "missing" not in (refused.message or "")
    assert not stored.exists()


def test_no_write_lock_is_held_while_an_upload_is_parsed(
    committed_database: str, tmp_path: Path
) -> None:
    """Another writer, with no patience at all, gets the lock while the file is being read."""
    path = tmp_path / "tax_monthly.csv"
    pd.DataFrame([VALID["tax_monthly"]] * 50).to_csv(path, index=False)
    database = committed_database.removeprefix("sqlite:///")
    others_wrote: list[int] = []

    def while_reading(done: int, total: int) -> None:
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" if the upload held it
            other.execute("ROLLBACK")
            others_wrote.append(done)
        finally:
            other.close()

    with session_scope() as session:
        session.exec(select(SourceBatch)).all()  # a request's transaction has begun (and locked)
        result = source_service.load_upload(
            session,
            path=path,
            name=path.name,
            contract=CONTRACTS["tax_monthly"],
            content_hash=source_service.file_hash(path),
            actor=ACTOR,
            progress=while_reading,
        )
    assert others_wrote and result.batch.rows_loaded == 1 and result.batch.rows_rejected == 49
