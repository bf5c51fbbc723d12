"""The bank's side of the risk-buffer fund (风险缓释基金): where it stands, its covered loans and
refusals, registering an earlier loan, its claims, and its monthly statement as Excel.

Every route acts for the caller's own bank: another bank's loan or claim answers exactly as a
missing one (404). The office's side is ``/fund``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from app.api.deps import PageDep, SessionDep
from app.api.idempotency import Idempotent
from app.api.owned import Banker, lender_code_of
from app.api.params import PathId
from app.api.problems import problem_schema
from app.api.statements import XLSX, MonthText, statement_response
from lenders.fund import bank_claims, bank_view, registration
from lenders.fund.bank_schemas import (
    ClaimFiling,
    ClaimPublic,
    ClaimsPublic,
    CoverFilters,
    CoverPublic,
    CoverRegistration,
    CoversPublic,
    FundSummaryPublic,
)
from lenders.loans.dates import today

router = APIRouter(prefix="/lender/fund", tags=["fund"])
FORBIDDEN: dict[int | str, dict[str, Any]] = {403: problem_schema("forbidden")}
KEYED = ("idempotency_key_in_progress",)
INPUT = ("validation_error", "idempotency_key_reused")


@router.get("", response_model=FundSummaryPublic, responses=FORBIDDEN)
def fund_summary(session: SessionDep, principal: Banker) -> FundSummaryPublic:
    """The bank's agreement in force, allocation left, headroom, covered NPL and counts."""
    code = lender_code_of(session, principal)
    return FundSummaryPublic.of(bank_view.standing(session, lender_code=code, today=today()))


@router.get("/covers", response_model=CoversPublic, responses=FORBIDDEN)
def list_covers(
    session: SessionDep,
    principal: Banker,
    page: PageDep,
    filters: Annotated[CoverFilters, Query()],
) -> CoversPublic:
    """The fund's decisions on the bank's loans, newest first: ``covered=false`` for refusals
    with their reason codes."""
    rows, total = bank_view.covers(
        session,
        lender_code=lender_code_of(session, principal),
        covered=filters.covered,
        offset=page.offset,
        limit=page.limit,
    )
    return CoversPublic(data=[CoverPublic.of(row) for row in rows], count=total)


@router.post(
    "/covers",
    response_model=CoverPublic,
    status_code=201,
    responses={
        200: {"model": CoverPublic, "description": "the decision already made, unchanged"},
        **FORBIDDEN,
        404: problem_schema("loan_not_found"),
        409: problem_schema("fund_loan_not_registrable", *KEYED),
        422: problem_schema(*INPUT),
    },
)
def register_loan(
    session: SessionDep,
    principal: Banker,
    data: CoverRegistration,
    call: Idempotent,
    response: Response,
) -> CoverPublic:
    """Ask the fund to cover an earlier loan (存量贷款登记), judged as at today on what is still
    owed (201); a loan already decided answers that decision (200)."""
    made = registration.register(
        session,
        loan_id=data.loan_id,
        lender_code=lender_code_of(session, principal),
        actor=principal,
        today=today(),
    )
    response.status_code = 201 if made.decided_now else 200
    row = bank_view.cover_row(session, decided=made.cover)
    return call.answer(CoverPublic.of(row), status=response.status_code)


@router.get("/claims", response_model=ClaimsPublic, responses=FORBIDDEN)
def list_claims(session: SessionDep, principal: Banker, page: PageDep) -> ClaimsPublic:
    """The bank's claims newest first, each with its state and amounts."""
    rows, total = bank_view.claim_rows(
        session, lender_code=lender_code_of(session, principal), offset=page.offset,
        limit=page.limit,
    )  # fmt: skip
    return ClaimsPublic(data=[ClaimPublic.of(row) for row in rows], count=total)


@router.post(
    "/claims",
    response_model=ClaimPublic,
    status_code=201,
    responses={
        **FORBIDDEN,
        404: problem_schema("loan_not_found"),
        409: problem_schema("fund_not_claimable", *KEYED),
        422: problem_schema(*INPUT),
    },
)
def file_claim(
    session: SessionDep, principal: Banker, data: ClaimFiling, call: Idempotent
) -> ClaimPublic:
    """File a claim (代偿申请) on a covered loan that defaulted, within the claim window."""
    row = bank_claims.file_own(
        session,
        loan_id=data.loan_id,
        lender_code=lender_code_of(session, principal),
        actor=principal,
        today=today(),
    )
    return call.answer(ClaimPublic.of(row), status=201)


@router.get(
    "/claims/{claim_id}",
    response_model=ClaimPublic,
    responses={**FORBIDDEN, 404: problem_schema("fund_claim_not_found")},
)
def read_claim(session: SessionDep, principal: Banker, claim_id: PathId) -> ClaimPublic:
    """One of the bank's claims."""
    code = lender_code_of(session, principal)
    return ClaimPublic.of(bank_view.claim(session, claim_id=claim_id, lender_code=code))


@router.get("/statements/{month}", response_class=Response, responses={**XLSX, **FORBIDDEN})
def download_statement(session: SessionDep, principal: Banker, month: MonthText) -> Response:
    """The bank's monthly fund statement (月度对账单) for a Beijing-time month, as Excel."""
    return statement_response(
        session, lender_code=lender_code_of(session, principal), month=month, actor=principal
    )
