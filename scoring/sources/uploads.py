"""Uploaded source files: kept under a generated name, loaded now or, when large, in the background.

The name a person gave a file is only metadata (cleaned, see ``clean_name``); on disk every
upload is ``<data_dir>/uploads/<random hex><suffix>``, so no name can reach the file system.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session

from app.audit.service import Actor
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.taskqueue import enqueue_after_commit
from scoring.sources import readers, repository
from scoring.sources import service as source_service
from scoring.sources.contracts import Contract
from scoring.sources.exceptions import FileRefused, UploadTooLarge
from scoring.sources.models import BatchStatus, SourceBatch

log = logging.getLogger(__name__)
MAX_NAME = 200  # characters of the original name kept (the column holds 255)
CHUNK = 1 << 20
LOAD_TASK = "sources.load_upload"


@dataclass(frozen=True)
class Received:
    """An upload on disk: where, what it was called (cleaned), its size and SHA-256."""

    path: Path
    name: str
    size: int
    content_hash: str


@dataclass(frozen=True)
class Uploader:
    """Whoever uploaded a file that a background task now loads, for the audit log."""

    ref: str
    role: str = "background"


def uploads_dir() -> Path:
    return get_settings().data_dir / "uploads"


def clean_name(raw: str | None) -> str:
    """A file's name as people gave it, safe to keep and show.

    Its last path part, without control, format or unassigned characters (a NUL among them),
    without edge spaces and dots, and at most ``MAX_NAME`` characters with its suffix kept.
    """
    text = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(
        char for char in text if unicodedata.category(char)[0] not in "CZ" or char == " "
    )
    text = text.strip(" .")
    if len(text) > MAX_NAME:
        suffix = Path(text).suffix if len(Path(text).suffix) <= 10 else ""
        text = text[: MAX_NAME - len(suffix)] + suffix
    return text or "upload"


def receive(source: BinaryIO, *, raw_name: str | None, max_bytes: int) -> Received:
    """Copy an upload to a generated name, hashing it; refuse it past ``max_bytes``."""
    name = clean_name(raw_name)
    suffix = Path(name).suffix.lower()
    directory = uploads_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}{suffix if suffix in readers.SUFFIXES else ''}"
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as target:
            for block in iter(lambda: source.read(CHUNK), b""):
                size += len(block)
                if size > max_bytes:
                    raise UploadTooLarge(
                        f"{name} 超过上传上限 {max_bytes:,} 字节；请拆分文件",
                        limit_bytes=max_bytes,
                    )
                digest.update(block)
                target.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path=path, name=name, size=size, content_hash=digest.hexdigest())


@dataclass(frozen=True)
class Accepted:
    """What became of an upload: its batch, whether the same file was loaded before, and
    whether it waits for a background load."""

    batch: SourceBatch
    duplicate: bool = False
    queued: bool = False


def accept(
    session: Session, *, source: BinaryIO, raw_name: str | None, kind: str | None, actor: Actor
) -> Accepted:
    """Take an uploaded file as one batch: loaded now, or queued when large (the API's and the
    pages' upload). A refused file raises and leaves nothing behind: no batch, no file."""
    settings = get_settings()
    received = receive(source, raw_name=raw_name, max_bytes=settings.uploads.max_bytes)
    try:
        contract = source_service.contract_for(received.name, kind or None)
        earlier = source_service.loaded_before(
            session, contract=contract, content_hash=received.content_hash
        )
        if earlier is not None:
            received.path.unlink(missing_ok=True)
            return Accepted(earlier, duplicate=True)
        if received.size > settings.uploads.background_bytes:
            batch = queue(session, received=received, contract=contract, actor=actor)
            return Accepted(batch, queued=True)
        result = source_service.load_upload(
            session,
            path=received.path,
            name=received.name,
            contract=contract,
            content_hash=received.content_hash,
            actor=actor,
        )
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    if result.duplicate:
        received.path.unlink(missing_ok=True)
    return Accepted(result.batch, duplicate=result.duplicate)


def queue(session: Session, *, received: Received, contract: Contract, actor: Actor) -> SourceBatch:
    """A queued batch for a large upload; its background load is sent when the session commits."""
    batch = SourceBatch(
        kind=contract.kind,
        file_name=received.name,
        content_hash=received.content_hash,
        file_format=Path(received.name).suffix[1:].lower()[:16],
        status=BatchStatus.QUEUED,
        loaded_by=actor.ref,
        upload_file=received.path.name,
    )
    session.add(batch)
    session.flush()
    enqueue_after_commit(session, LOAD_TASK, batch_id=batch.id)
    return batch


def load_queued(batch_id: int) -> BatchStatus | None:
    """Load a queued upload (the background task); the batch ends loaded or refused. Idempotent."""
    with session_scope() as session:
        batch = repository.get(session, batch_id)
        if batch is None or batch.status not in (BatchStatus.QUEUED, BatchStatus.LOADING):
            return batch.status if batch else None
        batch.status, batch.progress_percent = BatchStatus.LOADING, 0
        session.add(batch)
        upload_file, name, kind = batch.upload_file or "", batch.file_name, batch.kind
        content_hash, actor = batch.content_hash, Uploader(batch.loaded_by)
    path = uploads_dir() / Path(upload_file).name
    try:
        with session_scope() as session:
            batch = repository.get(session, batch_id)
            assert batch is not None
            result = source_service.load_upload(
                session,
                path=path,
                name=name,
                contract=source_service.contract_for(name, kind),
                content_hash=content_hash,
                actor=actor,
                batch=batch,
                progress=_progress_saver(batch_id),
            )
            if result.duplicate:
                raise FileRefused(f"{name} 与批次 {result.batch.id} 内容相同，未重复加载")
    except FileRefused as refusal:
        _refuse(batch_id, refusal.detail, path)
        return BatchStatus.REFUSED
    except Exception:
        log.exception("background upload failed", extra={"batch_id": batch_id})
        _refuse(batch_id, f"{name} 加载时服务器出错，未加载任何数据；请联系运维", path)
        return BatchStatus.REFUSED
    return BatchStatus.LOADED


def _refuse(batch_id: int, message: str, path: Path) -> None:
    with session_scope() as session:
        batch = repository.get(session, batch_id)
        if batch is not None:
            batch.status, batch.message, batch.progress_percent = (
                BatchStatus.REFUSED,
                message[:2000],
                100,
            )
            session.add(batch)
    path.unlink(missing_ok=True)


def _progress_saver(batch_id: int) -> Callable[[int, int], None]:
    """Write how far reading is (to 80 %) in short transactions of their own, in 10 % steps."""
    shown = {"percent": -1}

    def save(done: int, total: int) -> None:
        percent = 10 * int(8 * done / total) if total else 80
        if percent <= shown["percent"]:
            return
        shown["percent"] = percent
        try:
            with session_scope() as session:
                batch = repository.get(session, batch_id)
                if batch is not None and batch.status is BatchStatus.LOADING:
                    batch.progress_percent = percent
                    session.add(batch)
        except Exception:
            # Progress is a courtesy: a busy database must not fail the load itself.
            log.warning("progress not saved", exc_info=True, extra={"batch_id": batch_id})

    return save
