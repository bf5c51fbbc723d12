"""Ingestion: one file in, one batch out — good rows stored, bad rows kept with their reasons.

A file of the wrong kind, an unreadable file or one missing a required column is refused whole
and nothing of it is loaded; the same file loaded twice changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import events, exports
from app.core.clock import to_local, utcnow
from app.core.config import get_settings
from app.enterprises import repository as enterprise_repository
from app.enterprises.events import EnterpriseFactsChanged, FactsTrigger
from scoring.sources import loaders, readers, repository
from scoring.sources.contracts import ADVERSE_LISTS, Contract
from scoring.sources.exceptions import BatchNotFound, FileRefused
from scoring.sources.models import BatchStatus, RejectedRow, SourceBatch
from scoring.sources.store import SourceStore
from scoring.sources.validation import Context, Validated, describe, validate

# Registration columns about people: never written to the Parquet history in clear.
PERSONAL_COLUMNS = ("legal_representative", "contact_phone")


log = logging.getLogger(__name__)
Report = Callable[[str], None]


@dataclass(frozen=True)
class IngestResult:
    batch: SourceBatch
    duplicate: bool = False

    @property
    def refused(self) -> bool:
        return self.batch.status is BatchStatus.REFUSED


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class SourceFile:
    """A file read and its columns checked against its contract; nothing of it written yet."""

    name: str
    contract: Contract
    content_hash: str
    frame: pd.DataFrame
    file_format: str
    ignored: list[str]
    started: float


def contract_for(name: str, kind: str | None = None) -> Contract:
    """The contract a file follows, declared or told by its name; FileRefused otherwise."""
    return readers.kind_of(Path(name), kind)


def loaded_before(session: Session, *, contract: Contract, content_hash: str) -> SourceBatch | None:
    """The loaded batch of the same kind and content, if any: loading again changes nothing."""
    return repository.loaded_with_hash(session, kind=contract.kind, content_hash=content_hash)


def read_source(
    *,
    path: Path,
    name: str,
    contract: Contract,
    content_hash: str,
    say: Report,
    progress: readers.Progress | None = None,
) -> SourceFile:
    """Read and shape-check a file; touches no database, so it may take its time."""
    started = time.perf_counter()
    frame, file_format = readers.read_text_table(
        path, name=name, progress=progress or _progress(name, say)
    )
    ignored = readers.check_columns(frame, contract, file_name=name)
    say(
        f"{name}: {len(frame):,} rows read as {file_format} ({time.perf_counter() - started:.1f} s)"
    )
    return SourceFile(name, contract, content_hash, frame, file_format, ignored, started)


def ingest_file(
    session: Session,
    *,
    path: Path,
    actor: Actor,
    kind: str | None = None,
    file_name: str | None = None,
    store: SourceStore | None = None,
    report: Report | None = None,
) -> IngestResult:
    """Load one file as one batch; a refusal is recorded as a refused batch and loads nothing.

    For the command line and the demo, which own their process; the API loads uploads with
    ``load_upload``, which holds no transaction while it parses.
    """
    store = store or SourceStore(get_settings().data_dir)
    name = file_name or path.name
    say = report or (lambda _message: None)
    content_hash = file_hash(path)
    try:
        contract = contract_for(name, kind)
    except FileRefused as refusal:
        return IngestResult(_refused(session, name, "unknown", content_hash, refusal, actor))
    earlier = repository.loaded_with_hash(session, kind=contract.kind, content_hash=content_hash)
    if earlier is not None:
        say(f"{name}: same content as batch {earlier.id}; nothing loaded")
        return IngestResult(earlier, duplicate=True)
    try:
        source = read_source(
            path=path, name=name, contract=contract, content_hash=content_hash, say=say
        )
    except FileRefused as refusal:
        return IngestResult(_refused(session, name, contract.kind, content_hash, refusal, actor))
    validated = validate(source.frame, contract, _context(session, contract))
    return IngestResult(write_source(session, source, validated, actor=actor, store=store, say=say))


def load_upload(
    session: Session,
    *,
    path: Path,
    name: str,
    contract: Contract,
    content_hash: str,
    actor: Actor,
    store: SourceStore | None = None,
    batch: SourceBatch | None = None,
    progress: readers.Progress | None = None,
) -> IngestResult:
    """Load an upload without parsing inside a transaction; a refusal raises and writes nothing.

    The session's transaction is committed before the file is read and again after the few
    rows validation needs are read: on SQLite a transaction holds the one write lock, which
    other requests must not wait on while a file is parsed (issue #11). ``batch`` is the
    queued batch of a background load, which becomes the loaded one.
    """
    say: Report = log.debug
    session.commit()
    source = read_source(
        path=path,
        name=name,
        contract=contract,
        content_hash=content_hash,
        say=say,
        progress=progress,
    )
    context = _context(session, contract)
    session.commit()
    validated = validate(source.frame, contract, context)
    earlier = repository.loaded_with_hash(session, kind=contract.kind, content_hash=content_hash)
    if earlier is not None and (batch is None or earlier.id != batch.id):
        return IngestResult(earlier, duplicate=True)
    store = store or SourceStore(get_settings().data_dir)
    loaded = write_source(
        session, source, validated, actor=actor, store=store, say=say, batch=batch
    )
    return IngestResult(loaded)


def write_source(
    session: Session,
    source: SourceFile,
    validated: Validated,
    *,
    actor: Actor,
    store: SourceStore,
    say: Report,
    batch: SourceBatch | None = None,
) -> SourceBatch:
    """Store the good rows and the rejected ones as one loaded batch, audited."""
    contract, name, frame = source.contract, source.name, source.frame
    batch = batch or SourceBatch(
        kind=contract.kind,
        file_name=name,
        content_hash=source.content_hash,
        file_format=source.file_format,
        status=BatchStatus.LOADED,
        loaded_by=actor.ref,
    )
    batch.file_format = source.file_format
    batch.status = BatchStatus.LOADED
    batch.rows_read = len(frame)
    batch.ignored_columns = source.ignored
    session.add(batch)
    session.flush()
    assert batch.id is not None
    loaded = _store(
        session,
        contract,
        batch.id,
        validated.rows,
        validated.held_for_review,
        store=store,
        actor=actor,
    )
    repository.add_rejected(session, _rejected_records(batch.id, frame, validated.rejections))
    batch.rows_loaded = loaded.rows
    batch.rows_superseded = loaded.superseded
    batch.rows_held_for_review = loaded.held_for_review
    batch.rows_rejected = int(validated.rejections["_row"].nunique())
    batch.storage_path = loaded.storage_path
    batch.progress_percent = 100
    session.add(batch)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="batch.load",
        subject_type="source_batch",
        subject_id=batch.id,
        detail={
            "kind": contract.kind,
            "file": name,
            "loaded": batch.rows_loaded,
            "rejected": batch.rows_rejected,
        },
    )
    say(
        f"{name}: batch {batch.id}: {batch.rows_loaded:,} loaded, "
        f"{batch.rows_rejected:,} rejected, {batch.rows_superseded:,} superseded "
        f"({time.perf_counter() - source.started:.1f} s)"
    )
    return batch


def _store(
    session: Session,
    contract: Contract,
    batch_id: int,
    rows: pd.DataFrame,
    held: pd.Series,
    *,
    store: SourceStore,
    actor: Actor,
) -> loaders.Loaded:
    if contract.storage == "registry":
        # History of registration records is kept in Parquet too; the registry holds the present.
        # Codes held for review are not history yet: the review decides whether they exist.
        # Personal data stays out of the history: the registry keeps it masked or digested.
        history = rows[~held.to_numpy()].drop(columns=list(PERSONAL_COLUMNS), errors="ignore")
        store.write(contract.kind, batch_id, history)
        registered = loaders.to_registry(
            session, rows=rows, held=held, actor=actor, batch_id=batch_id
        )
        # A firm deregistered or revoked by this batch leaves the whitelist now (SPEC §5).
        closed = rows.loc[rows["status"] != "active", "uscc"]
        events.publish(
            session, EnterpriseFactsChanged(usccs=tuple(closed), trigger=FactsTrigger.REGISTRY)
        )
        return registered
    # Rows of codes awaiting review are kept; they count once the registry accepts the code.
    waiting = int(held.sum())
    if contract.storage == "events":
        loaded = loaders.to_events(session, batch_id=batch_id, rows=rows)
        # A firm newly on a disqualifying list leaves the whitelist now (SPEC §5).
        listed = rows.loc[rows["kind"].isin(ADVERSE_LISTS), "uscc"]
        events.publish(
            session,
            EnterpriseFactsChanged(usccs=tuple(listed), trigger=FactsTrigger.CREDIT_EVENT),
        )
    else:
        loaded = loaders.to_parquet(
            session, store=store, contract=contract, batch_id=batch_id, rows=rows
        )
    return replace(loaded, held_for_review=waiting)


def _context(session: Session, contract: Contract) -> Context:
    accepted = enterprise_repository.accepted_after_review(session)
    return Context(
        load_date=to_local(utcnow()).date(),
        districts=get_settings().city.districts,
        accepted_codes=frozenset(accepted),
    )


def _rejected_records(
    batch_id: int, frame: pd.DataFrame, found: pd.DataFrame
) -> list[dict[str, Any]]:
    """One record per rejected row: its first violation, all of them, and its original values."""
    if found.empty:
        return []
    violations: dict[int, list[dict[str, str]]] = {}
    for row, column, rule, message in zip(
        found["_row"].tolist(),
        found["column"].tolist(),
        found["rule"].tolist(),
        found["message"].tolist(),
        strict=True,
    ):
        violations.setdefault(row, []).append({"column": column, "rule": rule, "message": message})
    rows = sorted(violations)
    originals = frame.iloc[np.asarray(rows) - 1]
    originals = originals.astype(object).where(originals.notna(), None).to_dict("records")
    return [
        {
            "batch_id": batch_id,
            "row_number": row,
            "column": violations[row][0]["column"],
            "rule": violations[row][0]["rule"],
            "message": violations[row][0]["message"],
            "violations": violations[row],
            "original": original,
        }
        for row, original in zip(rows, originals, strict=True)
    ]


def _refused(
    session: Session, name: str, kind: str, content_hash: str, refusal: FileRefused, actor: Actor
) -> SourceBatch:
    batch = SourceBatch(
        kind=kind,
        file_name=name,
        content_hash=content_hash,
        file_format=Path(name).suffix[1:],
        status=BatchStatus.REFUSED,
        loaded_by=actor.ref,
        message=refusal.detail,
    )
    session.add(batch)
    session.flush()
    log.warning("file refused", extra={"file": name, "reason": refusal.detail})
    return batch


def _progress(name: str, say: Report) -> Callable[[int, int], None]:
    shown = {"step": -1}

    def show(done: int, total: int) -> None:
        step = int(10 * done / total) if total else 10
        if step > shown["step"]:
            shown["step"] = step
            say(f"{name}: reading {min(100, step * 10)}%")

    return show


def source_files(path: Path) -> list[Path]:
    """The loadable files at ``path`` (a file, or a directory's files, registration first)."""
    if path.is_file():
        return [path]
    files = [p for p in sorted(path.iterdir()) if p.suffix.lower() in readers.SUFFIXES]
    # Registration first, so that enterprises exist before their monthly records.
    return sorted(files, key=lambda p: (not p.name.startswith("registration"), p.name))


def get(session: Session, *, batch_id: int) -> SourceBatch:
    batch = repository.get(session, batch_id)
    if batch is None:
        raise BatchNotFound(f"batch {batch_id} does not exist")
    return batch


def list_page(
    session: Session, *, kind: str | None, offset: int, limit: int
) -> tuple[Sequence[SourceBatch], int]:
    return repository.page(session, kind=kind, offset=offset, limit=limit)


def rejected(
    session: Session, *, batch_id: int, offset: int = 0, limit: int | None = None
) -> tuple[Sequence[RejectedRow], int]:
    get(session, batch_id=batch_id)
    return repository.rejected_page(session, batch_id=batch_id, offset=offset, limit=limit)


def rejected_csv(rows: Sequence[RejectedRow]) -> str:
    """The rejected rows as CSV, every cell made inert (``exports``): row number, column, rule
    and its Chinese message first, then the original values as sent."""
    originals = list(dict.fromkeys(key for row in rows for key in row.original))
    return exports.csv_text(
        header=["row_number", "column", "rule", "message", *originals],
        rows=(
            [
                row.row_number,
                row.column,
                row.rule,
                describe(row.column, row.rule),
                *(row.original.get(key) for key in originals),
            ]
            for row in rows
        ),
    )
