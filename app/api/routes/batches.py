"""Source data batches: upload, the manifest, and the rejected rows with their reasons."""

from __future__ import annotations

import csv
import io
import shutil
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from app.api.deps import DataOperatorPrincipal, PageDep, SessionDep
from app.api.params import PathId
from app.api.problems import problem, problem_schema
from app.core.config import get_settings
from scoring.sources import service as source_service
from scoring.sources.contracts import CONTRACTS
from scoring.sources.schemas import (
    BatchesPublic,
    BatchOutcome,
    BatchPublic,
    RejectedRowPublic,
    RejectedRowsPublic,
)

router = APIRouter(prefix="/batches", tags=["source data"])


@router.post(
    "",
    response_model=BatchOutcome,
    status_code=201,
    responses={
        200: {
            "model": BatchOutcome,
            "description": "the same file was loaded before; nothing changed",
        },
        422: problem_schema("file_refused"),
    },
)
def upload_batch(
    request: Request,
    session: SessionDep,
    principal: DataOperatorPrincipal,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030), .xlsx or Parquet")],
    kind: Annotated[str | None, Form(description=f"one of {', '.join(CONTRACTS)}")] = None,
) -> Any:
    """Load a source file as one batch: good rows load, bad rows are kept with their reasons."""
    name = Path(file.filename or "upload").name
    uploads = get_settings().data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    kept = uploads / f"{uuid.uuid4().hex}-{name}"
    with kept.open("wb") as target:
        shutil.copyfileobj(file.file, target)
    result = source_service.ingest_file(
        session, path=kept, actor=principal, kind=kind or None, file_name=name
    )
    if result.refused:
        kept.unlink(missing_ok=True)
        return problem(
            status=422,
            code="file_refused",
            title="File refused",
            detail=result.batch.message or "file refused",
            request=request,
            batch_id=result.batch.id,
        )
    if result.duplicate:
        kept.unlink(missing_ok=True)
    outcome = BatchOutcome(
        **BatchPublic.model_validate(result.batch).model_dump(), duplicate=result.duplicate
    )
    return JSONResponse(
        outcome.model_dump(mode="json"), status_code=200 if result.duplicate else 201
    )


@router.get("", response_model=BatchesPublic)
def list_batches(
    session: SessionDep,
    _: DataOperatorPrincipal,
    page: PageDep,
    kind: Annotated[str | None, Query()] = None,
) -> BatchesPublic:
    """The batch manifest, newest first."""
    rows, total = source_service.list_page(session, kind=kind, offset=page.offset, limit=page.limit)
    return BatchesPublic(data=[BatchPublic.model_validate(r) for r in rows], count=total)


@router.get(
    "/{batch_id}", response_model=BatchPublic, responses={404: problem_schema("batch_not_found")}
)
def read_batch(session: SessionDep, _: DataOperatorPrincipal, batch_id: PathId) -> BatchPublic:
    return BatchPublic.model_validate(source_service.get(session, batch_id=batch_id))


@router.get(
    "/{batch_id}/rejected",
    response_model=RejectedRowsPublic,
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
        404: problem_schema("batch_not_found"),
    },
)
def rejected_rows(
    session: SessionDep,
    _: DataOperatorPrincipal,
    batch_id: PathId,
    page: PageDep,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Any:
    """The rows a batch rejected, each with its rule and original values; CSV downloads all."""
    if format == "csv":
        rows, _total = source_service.rejected(session, batch_id=batch_id)
        return Response(
            _as_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="batch-{batch_id}-rejected.csv"'
            },
        )
    rows, total = source_service.rejected(
        session, batch_id=batch_id, offset=page.offset, limit=page.limit
    )
    return RejectedRowsPublic(data=[RejectedRowPublic.model_validate(r) for r in rows], count=total)


def _as_csv(rows: Any) -> str:
    """Row number, column, rule and message first, then the original values as sent."""
    originals = list(dict.fromkeys(key for row in rows for key in row.original))
    buffer = io.StringIO()
    # A BOM lets Excel, which most operators use, open the file as UTF-8.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["row_number", "column", "rule", "message", *originals])
    for row in rows:
        writer.writerow(
            [
                row.row_number,
                row.column,
                row.rule,
                row.message,
                *(row.original.get(key) for key in originals),
            ]
        )
    return buffer.getvalue()
