"""The bank's portal, part two: its loans (贷款) with days past due, and recording repayments.

The same loaders and services as the API's ``/lender/loans`` routes: another bank's loan
answers exactly as a missing one; a refused repayment changes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.api.owned import get_own_loan, get_own_loan_for_update, lender_code_of
from app.api.params import PathId
from app.core.errors import DomainError
from app.pages import forms
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.routes.bank import BankViewer, bp_to_percent, failure
from lenders.loans import service as loan_service
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.models import LOAN_STATUS_LABELS, Loan
from lenders.loans.schemas import LoanFilters, OwnLoanFilters, RepaymentCreate

router = APIRouter(prefix="/bank")
REPAYMENT_FIELDS = ("period", "paid_on", "principal_yuan", "interest_yuan")


@router.get("/loans", response_class=HTMLResponse)
def loan_list(
    request: Request, session: SessionDep, viewer: BankViewer, page: PageDep
) -> HTMLResponse:
    """贷款: the bank's loans newest first, with outstanding and days past due."""
    asked = request.query_params.get("status", "")
    filters, errors = forms.parse(OwnLoanFilters, {"status": asked})
    if filters is None:
        filters = OwnLoanFilters()
    scoped = LoanFilters(**filters.model_dump(), lender_code=lender_code_of(session, viewer))
    rows, total = loan_service.list_page(
        session, filters=scoped, offset=page.offset, limit=page.limit
    )
    return render(
        request, "bank/loans.html", viewer, rows=rows, total=total, page=page, errors=errors,
        chosen=filters.status.value if filters.status else "", statuses=LOAN_STATUS_LABELS,
        query=f"&status={quote(filters.status.value)}" if filters.status else "",
        bp_to_percent=bp_to_percent,
    )  # fmt: skip


def _loan_page(
    request: Request,
    session: Session,
    viewer: Principal,
    loan: Loan,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    history = loan_service.history(session, loan=loan)
    now = today()
    return render(
        request, "bank/loan.html", viewer, status=status, loan=loan, history=history,
        statuses=LOAN_STATUS_LABELS, bp_to_percent=bp_to_percent, errors=errors or {},
        values=values or {"period": now.strftime("%Y-%m"), "paid_on": now.isoformat()},
    )  # fmt: skip


@router.get("/loans/{loan_id}", response_class=HTMLResponse)
def loan_detail(
    request: Request, session: SessionDep, viewer: BankViewer, loan_id: PathId
) -> HTMLResponse:
    """One loan with its repayments, days-past-due reports and recoveries."""
    return _loan_page(request, session, viewer, get_own_loan(session, viewer, loan_id))


@router.post("/loans/{loan_id}/repayments", response_model=None, dependencies=[CsrfChecked])
async def record_repayment(
    request: Request, session: SessionDep, viewer: BankViewer, loan_id: PathId
) -> Response:
    """还款登记: one month's principal and interest (servicing.record_repayment, as the API)."""
    loan = get_own_loan_for_update(session, viewer, loan_id)
    form = await request.form()
    values = {name: str(form.get(name, "") or "") for name in REPAYMENT_FIELDS}
    data, errors = forms.parse(RepaymentCreate, values)
    if data is None:
        return _loan_page(request, session, viewer, loan, values=values, errors=errors, status=422)
    try:
        servicing.record_repayment(session, loan=loan, data=data, actor=viewer)
    except DomainError as error:
        status, text = failure(session, error)
        loan = get_own_loan(session, viewer, loan_id)
        return _loan_page(
            request, session, viewer, loan, values=values, errors={"": text}, status=status
        )
    return RedirectResponse(f"/bank/loans/{loan_id}", status_code=303)
