"""The bank's portal, part two: its loans (贷款) and what a bank reports on them: repayments
(还款), days past due (逾期), default (违约) and recoveries (追回).

The same loaders and services as the API's ``/lender/loans`` routes: another bank's loan
answers exactly as a missing one; a refused report changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlmodel import Session

from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.api.owned import get_own_loan, get_own_loan_for_update, lender_code_of
from app.api.params import PathId
from app.core.errors import DomainError
from app.pages import forms, labels
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.routes.bank import BankViewer, bp_to_percent, failure
from lenders.fund import bank_view
from lenders.loans import service as loan_service
from lenders.loans import servicing
from lenders.loans.dates import today
from lenders.loans.models import LOAN_STATUS_LABELS, Loan, LoanStatus
from lenders.loans.schemas import (
    DefaultCreate,
    DelinquencyCreate,
    LoanFilters,
    OwnLoanFilters,
    RecoveryCreate,
    RepaymentCreate,
)

router = APIRouter(prefix="/bank")
OPEN = (LoanStatus.CURRENT, LoanStatus.OVERDUE)


@dataclass(frozen=True)
class Report:
    """One of the loan page's forms: its fields, the API's schema, the statuses it is shown in
    and the servicing function it calls (the API route's own)."""

    fields: tuple[str, ...]
    schema: type[BaseModel]
    statuses: tuple[LoanStatus, ...]
    act: Callable[..., object]


REPORTS: dict[str, Report] = {
    "repayments": Report(
        ("period", "paid_on", "principal_yuan", "interest_yuan"),
        RepaymentCreate, OPEN, servicing.record_repayment,
    ),
    "delinquency": Report(
        ("as_of", "days_past_due"),
        DelinquencyCreate, (*OPEN, LoanStatus.DEFAULTED), servicing.report_delinquency,
    ),
    "default": Report(
        ("defaulted_on", "outstanding_yuan"), DefaultCreate, OPEN, servicing.declare_default
    ),
    "recoveries": Report(
        ("recovered_on", "amount_yuan"),
        RecoveryCreate, (LoanStatus.DEFAULTED,), servicing.record_recovery,
    ),
}  # fmt: skip
# A refusal that is about one field is shown beside it rather than above the form.
FIELD_OF_CODE = {
    "repayment_exceeds_outstanding": "principal_yuan",
    "repayment_exists": "period",
    "days_past_due_implausible": "days_past_due",
    "outstanding_above_balance": "outstanding_yuan",
    "recovery_exceeds_loss": "amount_yuan",
}


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


def _defaults() -> dict[str, dict[str, str]]:
    now = today().isoformat()
    return {
        "repayments": {"period": now[:7], "paid_on": now},
        "delinquency": {"as_of": now},
        "default": {"defaulted_on": now},
        "recoveries": {"recovered_on": now},
    }


def loan_page(
    request: Request,
    session: Session,
    viewer: Principal,
    loan: Loan,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    claim_error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The loan with its history and the forms its status allows; ``form`` is the one refused,
    shown again with what was typed and the errors by field (``claim_error``: the 申请代偿
    form's refusal, from ``bank_fund``)."""
    history = loan_service.history(session, loan=loan)
    values_of = _defaults()
    if form:
        values_of[form] = values or {}
    shown = {name for name, report in REPORTS.items() if loan.status in report.statuses}
    recoverable_fen = (loan.outstanding_at_default_fen or 0) - loan.recovered_fen
    if recoverable_fen <= 0:
        shown.discard("recoveries")  # all of the loss is back: nothing is left to recover
    return render(
        request, "bank/loan.html", viewer, status=status, loan=loan, history=history,
        statuses=LOAN_STATUS_LABELS, bp_to_percent=bp_to_percent, values=values_of,
        form_errors={form: errors or {}} if form else {}, shown=shown,
        recoverable_fen=recoverable_fen, fund_cover=bank_view.loan_cover(session, loan=loan),
        claim=bank_view.claimable_loan(session, loan=loan), claim_error=claim_error,
        claimed=request.query_params.get("claimed") == "1", fund_labels=labels,
    )  # fmt: skip


@router.get("/loans/{loan_id}", response_class=HTMLResponse)
def loan_detail(
    request: Request, session: SessionDep, viewer: BankViewer, loan_id: PathId
) -> HTMLResponse:
    """One loan with its repayments, days-past-due reports and recoveries, and its forms."""
    return loan_page(request, session, viewer, get_own_loan(session, viewer, loan_id))


def _refused(error: DomainError, text: str, fields: tuple[str, ...]) -> dict[str, str]:
    field = error.extra.get("field") or FIELD_OF_CODE.get(error.code)
    return {field if field in fields else "": text}


async def _report(
    request: Request, session: Session, viewer: Principal, loan_id: int, name: str
) -> Response:
    """Parse the form ``name`` with the API's schema and call the API's servicing function on
    the bank's own loan, locked; back to the loan, or the form again with its errors."""
    report = REPORTS[name]
    loan = get_own_loan_for_update(session, viewer, loan_id)
    form = await request.form()
    values = {field: str(form.get(field, "") or "") for field in report.fields}
    data, errors = forms.parse(report.schema, values)
    if data is None:
        return loan_page(
            request, session, viewer, loan, form=name, values=values, errors=errors, status=422
        )
    try:
        report.act(session, loan=loan, data=data, actor=viewer)
    except DomainError as error:
        status, text = failure(session, error)
        loan = get_own_loan(session, viewer, loan_id)
        return loan_page(
            request, session, viewer, loan, form=name, values=values,
            errors=_refused(error, text, report.fields), status=status,
        )  # fmt: skip
    return RedirectResponse(f"/bank/loans/{loan_id}", status_code=303)


@router.post("/loans/{loan_id}/repayments", response_model=None, dependencies=[CsrfChecked])
async def record_repayment(
    request: Request, session: SessionDep, viewer: BankViewer, loan_id: PathId
) -> Response:
    """还款登记: one month's principal and interest (servicing.record_repayment, as the API)."""
    return await _report(request, session, viewer, loan_id, "repayments")


@router.post("/loans/{loan_id}/delinquency", response_model=None, dependencies=[CsrfChecked])
async def report_delinquency(
    request: Request, session: SessionDep, viewer: BankViewer, loan_id: PathId
) -> Response:
    """逾期报告: days past due on a date (servicing.report_delinquency, as the API)."""
    return await _report(request, session, viewer, loan_id, "delinquency")


@router.post("/loans/{loan_id}/default", response_model=None, dependencies=[CsrfChecked])
async def declare_default(
    request: Request, session: SessionDep, viewer: BankViewer, loan_id: PathId
) -> Response:
    """违约登记: the day and the principal outstanding then (servicing.declare_default)."""
    return await _report(request, session, viewer, loan_id, "default")


@router.post("/loans/{loan_id}/recoveries", response_model=None, dependencies=[CsrfChecked])
async def record_recovery(
    request: Request, session: SessionDep, viewer: BankViewer, loan_id: PathId
) -> Response:
    """追回登记: money recovered after default (servicing.record_recovery, as the API)."""
    return await _report(request, session, viewer, loan_id, "recoveries")
