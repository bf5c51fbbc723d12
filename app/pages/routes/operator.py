"""数据运维's pages: upload a source file, the batch manifest, a batch with its rejected rows
and their reasons in Chinese, and the USCC review list with its decisions. Each page calls the
service its API route (``app/api/routes/batches.py``, ``enterprises.py``) calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import Page, PageDep, SessionDep
from app.api.params import PathId
from app.core.errors import DomainError
from app.enterprises import service as enterprise_service
from app.enterprises.models import ReviewStatus
from app.enterprises.schemas import UsccReviewDecision
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required
from scoring.sources import service as source_service
from scoring.sources import uploads
from scoring.sources.contracts import CONTRACTS
from scoring.sources.validation import describe

router = APIRouter()
OperatorViewer = Annotated[
    Principal,
    Depends(role_required(Role.DATA_OPERATOR, Role.ADMIN, refusal="只有数据运维和管理员可以使用")),
]
BATCH_STATUS = {"queued": "排队中", "loading": "载入中", "loaded": "已载入", "refused": "已拒收"}
REVIEW_STATUS = {"pending": "待复核", "accepted": "已接受", "rejected": "已驳回"}


def _batches_page(
    request: Request,
    session: SessionDep,
    viewer: Principal,
    page: Page,
    *,
    kind: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows, total = source_service.list_page(session, kind=kind, offset=page.offset, limit=page.limit)
    return render(
        request,
        "operator/batches.html",
        viewer,
        status=status,
        rows=rows,
        total=total,
        page=page,
        kind=kind,
        query=f"&kind={kind}" if kind else "",
        names=account_service.actor_names(session, [row.loaded_by for row in rows]),
        contracts=CONTRACTS,
        batch_status=BATCH_STATUS,
        errors=errors or {},
    )


@router.get("/batches", response_class=HTMLResponse)
def batches(
    request: Request,
    session: SessionDep,
    viewer: OperatorViewer,
    page: PageDep,
    kind: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """数据批次: the upload form and the manifest, newest first (a kind the list lacks is all)."""
    known = kind if kind in CONTRACTS else None
    return _batches_page(request, session, viewer, page, kind=known)


@router.post("/batches", response_model=None, dependencies=[CsrfChecked])
async def upload(request: Request, session: SessionDep, viewer: OperatorViewer) -> Response:
    """The upload form: the same service as ``POST /api/v1/batches``; then the batch it made."""
    form = await request.form()
    file, kind = form.get("file"), form.get("kind")
    if not isinstance(file, UploadFile) or not file.filename:
        return _upload_error(request, session, viewer, {"file": "请选择要上传的文件"})
    if kind not in (None, "", *CONTRACTS):
        return _upload_error(request, session, viewer, {"kind": "请从列表中选择"})
    try:
        accepted = uploads.accept(
            session,
            source=file.file,
            raw_name=file.filename,
            kind=kind if isinstance(kind, str) and kind else None,
            actor=viewer,
        )
    except DomainError as error:
        session.rollback()
        return _upload_error(request, session, viewer, {"": messages.for_error(error)})
    outcome = "duplicate" if accepted.duplicate else "queued" if accepted.queued else "loaded"
    return RedirectResponse(f"/batches/{accepted.batch.id}?outcome={outcome}", status_code=303)


def _upload_error(
    request: Request, session: SessionDep, viewer: Principal, errors: dict[str, str]
) -> HTMLResponse:
    return _batches_page(request, session, viewer, Page(), errors=errors, status=422)


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_detail(
    request: Request,
    session: SessionDep,
    viewer: OperatorViewer,
    batch_id: PathId,
    page: PageDep,
    outcome: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """One batch: its counts and status, and its rejected rows with the reasons in Chinese."""
    batch = source_service.get(session, batch_id=batch_id)
    rows, total = source_service.rejected(
        session, batch_id=batch_id, offset=page.offset, limit=page.limit
    )
    return render(
        request,
        "operator/batch.html",
        viewer,
        batch=batch,
        loaded_by=account_service.actor_names(session, [batch.loaded_by])[batch.loaded_by],
        rows=rows,
        total=total,
        page=page,
        outcome=outcome if outcome in ("loaded", "queued", "duplicate") else None,
        contract=CONTRACTS.get(batch.kind),
        batch_status=BATCH_STATUS,
        describe=describe,
    )


@router.get("/uscc-reviews", response_class=HTMLResponse)
def reviews(
    request: Request,
    session: SessionDep,
    viewer: OperatorViewer,
    page: PageDep,
    status: Annotated[ReviewStatus | None, Query()] = ReviewStatus.PENDING,
) -> HTMLResponse:
    """代码复核: the codes whose check character failed, pending first by default."""
    rows, total = enterprise_service.list_reviews(
        session, status=status, offset=page.offset, limit=page.limit
    )
    return render(
        request,
        "operator/reviews.html",
        viewer,
        rows=rows,
        total=total,
        page=page,
        shown=status,
        query=f"&status={status.value}" if status else "",
        review_status=REVIEW_STATUS,
    )


def _review_page(
    request: Request,
    session: SessionDep,
    viewer: Principal,
    review_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    review = enterprise_service.get_review(session, review_id=review_id)
    return render(
        request,
        "operator/review.html",
        viewer,
        status=status,
        review=review,
        review_status=REVIEW_STATUS,
        values=values or {},
        errors=errors or {},
    )


@router.get("/uscc-reviews/{review_id}", response_class=HTMLResponse)
def review(
    request: Request, session: SessionDep, viewer: OperatorViewer, review_id: PathId
) -> HTMLResponse:
    return _review_page(request, session, viewer, review_id)


@router.post("/uscc-reviews/{review_id}/decision", response_model=None, dependencies=[CsrfChecked])
async def decide(
    request: Request, session: SessionDep, viewer: OperatorViewer, review_id: PathId
) -> Response:
    """Accept (the enterprise is registered, flagged) or reject, with a note; decided once."""
    form = await request.form()
    values = {key: form.get(key, "") for key in ("accept", "note")}
    data, errors = forms.parse(UsccReviewDecision, values)
    if data is None:
        return _review_page(
            request, session, viewer, review_id, values=values, errors=errors, status=422
        )
    enterprise_service.decide_review(
        session, review_id=review_id, accept=data.accept, note=data.note, actor=viewer
    )
    return RedirectResponse(f"/uscc-reviews/{review_id}", status_code=303)
