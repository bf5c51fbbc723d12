"""Source data batches: upload, the manifest, and the rejected rows with their reasons."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from app.api.deps import DataOperatorPrincipal, PageDep, SessionDep
from app.api.params import PathId
from app.api.problems import problem_schema
from app.core import exports
from scoring.sources import service as source_service
from scoring.sources import uploads
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
        202: {
            "model": BatchOutcome,
            "description": "a large file, queued to load in the background: "
            "poll `GET /api/v1/batches/{id}` (its `Location`) for status and progress",
        },
        413: problem_schema("upload_too_large"),
        422: problem_schema(
            "file_refused", "spreadsheet_too_large", "archive_too_large", "unknown_encoding"
        ),
    },
)
def upload_batch(
    session: SessionDep,
    principal: DataOperatorPrincipal,
    file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030), .xlsx or Parquet")],
    kind: Annotated[str | None, Form(description=f"one of {', '.join(CONTRACTS)}")] = None,
) -> Any:
    """Load a source file as one batch: good rows load, bad rows are kept with their reasons.

    A refused file (unreadable, too large, the wrong kind) answers 4xx and leaves nothing: no
    batch, no file. A file above ``XYD_UPLOAD_BACKGROUND_BYTES`` answers 202 with a queued batch.
    """
    accepted = uploads.accept(
        session, source=file.file, raw_name=file.filename, kind=kind, actor=principal
    )
    if accepted.queued:
        batch = accepted.batch
        return _outcome(batch, status=202, location=f"/api/v1/batches/{batch.id}")
    status = 200 if accepted.duplicate else 201
    return _outcome(accepted.batch, status=status, duplicate=accepted.duplicate)


def _outcome(
    batch: Any, *, status: int, duplicate: bool = False, location: str | None = None
) -> JSONResponse:
    outcome = BatchOutcome(**BatchPublic.model_validate(batch).model_dump(), duplicate=duplicate)
    headers = {"Location": location} if location else None
    return JSONResponse(outcome.model_dump(mode="json"), status_code=status, headers=headers)


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
            source_service.rejected_csv(rows),
            media_type=exports.CSV_MEDIA_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="batch-{batch_id}-rejected.csv"'
            },
        )
    rows, total = source_service.rejected(
        session, batch_id=batch_id, offset=page.offset, limit=page.limit
    )
    return RejectedRowsPublic(data=[RejectedRowPublic.model_validate(r) for r in rows], count=total)
