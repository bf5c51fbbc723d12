"""The enterprise's portal, part two: 线索与贷款 — where each application went, what each bank
answered and offered, and the loans with their repayments and days past due.

The same services as the API's ``/enterprises/{uscc}/leads`` and ``/enterprises/{uscc}/loans``
routes; another enterprise's loan answers exactly as a missing one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.deps import PageDep, SessionDep
from app.api.params import PathId
from app.pages.rendering import render
from app.pages.routes.bank import bp_to_percent
from app.pages.routes.enterprise import own_uscc
from app.pages.viewer import EnterpriseViewer
from lenders.institutions import service as lender_service
from lenders.leads import queries as lead_queries
from lenders.leads.models import DECLINE_REASON_LABELS, LEAD_STATUS_LABELS
from lenders.loans import service as loan_service
from lenders.loans.models import LOAN_STATUS_LABELS
from lenders.loans.schemas import LoanFilters
from lenders.products import service as product_service

router = APIRouter(prefix="/me")

# The loans table is short for a small firm; its own paging would only hide one behind the other.
LOANS_SHOWN = 100


@router.get("/loans", response_class=HTMLResponse)
def my_leads_and_loans(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, page: PageDep
) -> HTMLResponse:
    """线索与贷款: each bank an application went to with its answer and offer, then the loans."""
    uscc = own_uscc(viewer)
    leads, total = lead_queries.page(session, uscc=uscc, offset=page.offset, limit=page.limit)
    loans, loan_total = loan_service.list_page(
        session, filters=LoanFilters(uscc=uscc), offset=0, limit=LOANS_SHOWN
    )
    codes = [lead.lender_code for lead in leads] + [loan.lender_code for loan in loans]
    return render(
        request, "me/loans.html", viewer, leads=leads, total=total, page=page, loans=loans,
        loan_total=loan_total, lenders=lender_service.names(session, codes=codes),
        products=product_service.names(session, product_ids=[lead.product_id for lead in leads]),
        lead_statuses=LEAD_STATUS_LABELS, reasons=DECLINE_REASON_LABELS,
        loan_statuses=LOAN_STATUS_LABELS, bp_to_percent=bp_to_percent,
    )  # fmt: skip


@router.get("/loans/{loan_id}", response_class=HTMLResponse)
def my_loan(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, loan_id: PathId
) -> HTMLResponse:
    """One of the enterprise's loans with its repayments and days-past-due reports."""
    loan = loan_service.get_for_enterprise(session, loan_id=loan_id, uscc=own_uscc(viewer))
    return render(
        request, "me/loan.html", viewer, loan=loan,
        history=loan_service.history(session, loan=loan),
        lender=lender_service.names(session, codes=[loan.lender_code]).get(loan.lender_code),
        statuses=LOAN_STATUS_LABELS, bp_to_percent=bp_to_percent,
    )  # fmt: skip
