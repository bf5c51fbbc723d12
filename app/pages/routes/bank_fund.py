"""The bank's portal, part six: the risk-buffer fund (风险缓释): its agreement in force, headroom
and NPL against its lines, covered loans and refusals with their reasons, claims with their
states, the monthly statements, and a 申请代偿 form on each covered defaulted unclaimed loan.

The same read model and services as the API's ``/lender/fund`` routes, for the signed-in
user's own lender: another bank's loan is a 404, as a missing one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.api.owned import get_own_loan, lender_code_of
from app.api.params import PathId
from app.api.statements import MonthText, statement_response
from app.core.errors import DomainError
from app.pages import labels
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.routes.bank import BankViewer, bp_to_percent, failure
from app.pages.routes.bank_loans import loan_page
from lenders.fund import bank_claims, bank_view
from lenders.fund.exceptions import NotClaimable
from lenders.loans.dates import today
from lenders.loans.models import LOAN_STATUS_LABELS

router = APIRouter(prefix="/bank")
HERE = "/bank/fund"
LISTED = 20  # refusals and claims shown on the page; the API pages through all of them
STATEMENT_MONTHS = 12


def months_back(day: date, count: int) -> list[str]:
    """``YYYY-MM`` of the month of ``day`` and the ``count - 1`` before it, newest first."""
    months, first = [], day.replace(day=1)
    for _ in range(count):
        months.append(first.strftime("%Y-%m"))
        first = (first - timedelta(days=1)).replace(day=1)
    return months


def fund_page(
    request: Request,
    session: Session,
    viewer: Principal,
    page: PageDep,
    *,
    errors: dict[int, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The fund page; ``errors`` are claim refusals by loan id, shown beside that loan."""
    code, now = lender_code_of(session, viewer), today()
    covered, total = bank_view.covers(
        session, lender_code=code, covered=True, offset=page.offset, limit=page.limit
    )
    refused, refused_total = bank_view.covers(
        session, lender_code=code, covered=False, offset=0, limit=LISTED
    )
    claim_rows, claims_total = bank_view.claim_rows(
        session, lender_code=code, offset=0, limit=LISTED
    )
    return render(
        request, "bank/fund.html", viewer, status=status,
        standing=bank_view.standing(session, lender_code=code, today=now),
        claimable=bank_view.claimable(session, lender_code=code), today=now,
        covered=covered, total=total, page=page, refused=refused, refused_total=refused_total,
        claim_rows=claim_rows, claims_total=claims_total, months=months_back(now, STATEMENT_MONTHS),
        errors=errors or {}, labels=labels, loan_statuses=LOAN_STATUS_LABELS,
        bp_to_percent=bp_to_percent,
        claimed=request.query_params.get("claimed") == "1",
    )  # fmt: skip


@router.get("/fund", response_class=HTMLResponse)
def fund_overview(
    request: Request, session: SessionDep, viewer: BankViewer, page: PageDep
) -> HTMLResponse:
    """风险缓释: the bank's standing with the fund, its covers, refusals, claims, statements."""
    return fund_page(request, session, viewer, page)


@router.get("/fund/statements/{month}", response_model=None)
def download_statement(session: SessionDep, viewer: BankViewer, month: MonthText) -> Response:
    """月度对账单 as Excel, the API's own (a bad or future month: the Chinese error page)."""
    code = lender_code_of(session, viewer)
    return statement_response(session, lender_code=code, month=month, actor=viewer)


def refusal(
    session: Session, error: DomainError, option: bank_view.Claimable | None
) -> tuple[int, str]:
    """Undo the refused claim; its status and Chinese text, past the claim window the window
    and its last day."""
    status, text = failure(session, error)
    if isinstance(error, NotClaimable) and option is not None and not option.open_on(today()):
        days = (option.last_day - (option.loan.defaulted_on or option.last_day)).days
        text = (
            f"已超过代偿申请期限：该笔贷款于 {option.loan.defaulted_on} 违约，"
            f"须在违约后 {days} 天内（{option.last_day} 前）申请代偿。"
        )
    return status, text


@router.post("/loans/{loan_id}/claim", response_model=None, dependencies=[CsrfChecked])
def file_claim(
    request: Request,
    session: SessionDep,
    viewer: BankViewer,
    page: PageDep,
    loan_id: PathId,
    back: Annotated[Literal["fund", "loan"], Form()] = "loan",
) -> Response:
    """申请代偿 on the bank's own loan (bank_claims.file_own, as the API); back to the fund page
    or the loan page, or the page again with the refusal beside the loan."""
    loan = get_own_loan(session, viewer, loan_id)
    option = bank_view.claimable_loan(session, loan=loan)
    code = lender_code_of(session, viewer)
    try:
        bank_claims.file_own(
            session, loan_id=loan_id, lender_code=code, actor=viewer, today=today()
        )
    except DomainError as error:
        status, text = refusal(session, error, option)
        if back == "fund":
            return fund_page(request, session, viewer, page, errors={loan_id: text}, status=status)
        loan = get_own_loan(session, viewer, loan_id)
        return loan_page(request, session, viewer, loan, claim_error=text, status=status)
    if back == "fund":
        return RedirectResponse(f"{HERE}?claimed=1", status_code=303)
    return RedirectResponse(f"/bank/loans/{loan_id}?claimed=1", status_code=303)
