"""金融办's risk-buffer fund pages, part two: claims (代偿申请), the longest waiting first, and one
claim with its steps and the buttons its status and the viewer allow (maker-checker: who
reviewed is not offered the approval). The same services as the API's ``/fund/claims`` routes."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.principal import Principal
from app.api.deps import Page, SessionDep
from app.api.params import PathId
from app.api.problems import status_of
from app.core.errors import DomainError
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.routes.office_fund import FundViewer
from lenders.fund import claim_steps, claims, office_view
from lenders.fund.models import CLAIM_STATUS_LABELS
from lenders.fund.office_schemas import ClaimFilters
from lenders.fund.schemas import ClaimRejection

router = APIRouter(prefix="/fund/claims")
DONE = {
    "review": "已审核",
    "approve": "已批准",
    "reject": "已驳回",
    "pay": "已支付",
    "write-off": "已核销",
}


class Paging(BaseModel):
    """The list's paging as the API bounds it (``PageDep``), read leniently by the page."""

    offset: int = Field(default=0, ge=0, le=10_000_000)
    limit: int = Field(default=50, ge=1, le=500)


def _paging(request: Request) -> tuple[Page, bool]:
    """The page asked for, or the first page and True when the address's paging is unusable:
    a person following a mangled link gets the list, not an error."""
    asked = {k: request.query_params.get(k, "") for k in ("offset", "limit")}
    parsed, errors = forms.parse(Paging, asked)
    chosen = parsed or Paging()
    return Page(offset=chosen.offset, limit=chosen.limit), bool(errors)


@router.get("", response_class=HTMLResponse)
def claim_list(request: Request, session: SessionDep, viewer: FundViewer) -> HTMLResponse:
    """代偿申请: every bank's claims with their ages, filtered by status and bank."""
    asked = {k: request.query_params.get(k, "") for k in ("status", "lender_code")}
    filters, errors = forms.parse(ClaimFilters, asked)
    filters = filters or ClaimFilters()
    page, paging_reset = _paging(request)
    rows, total = office_view.claims_page(
        session,
        status=filters.status,
        lender_code=filters.lender_code,
        offset=page.offset,
        limit=page.limit,
    )
    chosen = {k: v for k, v in filters.model_dump(mode="json").items() if v}
    return render(
        request,
        "office/fund_claims.html",
        viewer,
        rows=rows,
        total=total,
        page=page,
        errors=errors,
        paging_reset=paging_reset,
        chosen=chosen,
        query="&" + urlencode(chosen) if chosen else "",
        statuses=CLAIM_STATUS_LABELS,
        banks=office_view.bank_names(session),
    )


def _claim_page(
    request: Request,
    session: Session,
    viewer: Principal,
    claim_id: int,
    *,
    error: str | None = None,
    errors: dict[str, str] | None = None,
    reason: str = "",
    status: int = 200,
    done: str | None = None,
) -> HTMLResponse:
    row = office_view.claim(session, claim_id=claim_id)
    steps = office_view.steps(session, claim_id=claim_id)
    refs = [e.actor for e in steps]
    return render(
        request,
        "office/fund_claim.html",
        viewer,
        status=status,
        row=row,
        steps=steps,
        names=account_service.actor_names(session, refs),
        allowed=claim_steps.allowed(row.claim, viewer.ref),
        refusal=claim_steps.same_hands(row.claim, viewer.ref),
        error=error,
        errors=errors or {},
        reason=reason,
        done=DONE.get(done or ""),
    )


@router.get("/{claim_id}", response_class=HTMLResponse)
def claim_detail(
    request: Request, session: SessionDep, viewer: FundViewer, claim_id: PathId
) -> HTMLResponse:
    """One claim: its figures, its steps with who took them, and the next steps allowed."""
    done = request.query_params.get("done")
    return _claim_page(request, session, viewer, claim_id, done=done)


async def _take(
    request: Request, session: Session, viewer: Principal, claim_id: int, action: str
) -> Response:
    """Take the step, as the API's step route does; a refusal (maker-checker, a step already
    taken) is told on the claim's page in Chinese and changes nothing."""
    form = await request.form()
    reason = str(form.get("reason", "")).strip()
    try:
        if action == "reject":
            body, errors = forms.parse(ClaimRejection, {"reason": reason})
            if body is None:
                return _claim_page(
                    request, session, viewer, claim_id, errors=errors, reason=reason, status=422
                )
            claims.reject(session, claim_id=claim_id, reason=body.reason, actor=viewer)
        else:
            STEPS[action](session, claim_id=claim_id, actor=viewer)
    except DomainError as refused:
        session.rollback()
        return _claim_page(
            request, session, viewer, claim_id, error=messages.for_error(refused),
            status=status_of(refused),
        )  # fmt: skip
    return RedirectResponse(f"/fund/claims/{claim_id}?done={action}", status_code=303)


STEPS = {
    "review": claims.review,
    "approve": claims.approve,
    "pay": claims.pay,
    "write-off": claims.write_off,
}


@router.post("/{claim_id}/review", response_model=None, dependencies=[CsrfChecked])
async def review(
    request: Request, session: SessionDep, viewer: FundViewer, claim_id: PathId
) -> Response:
    """审核 a filed claim."""
    return await _take(request, session, viewer, claim_id, "review")


@router.post("/{claim_id}/approve", response_model=None, dependencies=[CsrfChecked])
async def approve(
    request: Request, session: SessionDep, viewer: FundViewer, claim_id: PathId
) -> Response:
    """批准, or 复核批准 when the payout needs a second approver; never by the reviewer."""
    return await _take(request, session, viewer, claim_id, "approve")


@router.post("/{claim_id}/reject", response_model=None, dependencies=[CsrfChecked])
async def reject(
    request: Request, session: SessionDep, viewer: FundViewer, claim_id: PathId
) -> Response:
    """驳回 an open claim with a reason."""
    return await _take(request, session, viewer, claim_id, "reject")


@router.post("/{claim_id}/pay", response_model=None, dependencies=[CsrfChecked])
async def pay(
    request: Request, session: SessionDep, viewer: FundViewer, claim_id: PathId
) -> Response:
    """支付 an approved claim."""
    return await _take(request, session, viewer, claim_id, "pay")


@router.post("/{claim_id}/write-off", response_model=None, dependencies=[CsrfChecked])
async def write_off(
    request: Request, session: SessionDep, viewer: FundViewer, claim_id: PathId
) -> Response:
    """核销 a paid claim."""
    return await _take(request, session, viewer, claim_id, "write-off")
