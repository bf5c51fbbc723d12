"""The risk-buffer fund (风险缓释基金), the finance office's side: the fund's position, capital
contributions, each bank's agreement versions and suspensions, and the claims it reviews and
pays with maker-checker. Office staff and administrators only; banks see their own through
``/lender/fund``."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from sqlmodel import Session

from app.api.deps import OfficePrincipal, PageDep, SessionDep, reads_first
from app.api.idempotency import RESPONSES as KEYED
from app.api.idempotency import Idempotent
from app.api.params import PathId
from app.api.problems import problem_schema
from lenders.fund import agreements, capital, claims, forecast, forecast_view, office_view
from lenders.fund.forecast_schemas import ForecastPublic, ForecastRequest
from lenders.fund.models import ForecastTrigger
from lenders.fund.office_schemas import (
    AgreementPublic,
    AgreementsPublic,
    ClaimDetail,
    ClaimFilters,
    ClaimPublic,
    ClaimsPublic,
    ContributionPublic,
    FundOverviewPublic,
    SuspensionsPublic,
    claim_detail,
)
from lenders.fund.schemas import AgreementTerms, ClaimRejection, ContributionCreate
from lenders.institutions import service as lender_service

router = APIRouter(prefix="/fund", tags=["fund"])
LenderCode = Annotated[
    str, Path(min_length=2, max_length=32, pattern=r"^[a-z0-9][a-z0-9-]*$", description="bank")
]
Problems = dict[int | str, dict[str, Any]]
NO_LENDER: Problems = {404: problem_schema("lender_not_found")}
NO_CLAIM: Problems = {404: problem_schema("fund_claim_not_found")}
STEP_REFUSED = problem_schema("fund_claim_wrong_step", "idempotency_key_in_progress")


def _detail(session: Session, claim_id: int) -> ClaimDetail:
    row = office_view.claim(session, claim_id=claim_id)
    return claim_detail(row, office_view.steps(session, claim_id=claim_id))


def contribution_key(principal_ref: str, idempotency_key: str | None) -> str:
    """The ledger's key for a contribution: the caller's Idempotency-Key made the ledger's
    (hashed to fit, per caller), or a fresh one when the caller sent none."""
    if idempotency_key is None:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{principal_ref}\n{idempotency_key}".encode()).hexdigest()[:40]


@router.get("", response_model=FundOverviewPublic)
def overview(session: SessionDep, _: OfficePrincipal) -> FundOverviewPublic:
    """The fund now: capital and where it stands, each bank against its lines, the claims."""
    return FundOverviewPublic.of(office_view.overview(session))


@router.get(
    "/forecast",
    response_model=ForecastPublic,
    responses={404: problem_schema("fund_forecast_not_found")},
)
def latest_forecast(session: SessionDep, _: OfficePrincipal) -> ForecastPublic:
    """The latest run-out forecast (资金耗尽预测) beside the claims paid in the months before."""
    forecast.latest(session)  # 404 fund_forecast_not_found before anything else is read
    return ForecastPublic.of(forecast_view.view(session))


@router.post(
    "/forecast",
    response_model=ForecastPublic,
    status_code=201,
    responses={422: problem_schema("validation_error", "fund_forecast_invalid_parameters")},
)
@reads_first  # the Monte Carlo reads for seconds; a forecast may be of a moment's book
def run_forecast(
    session: SessionDep,
    principal: OfficePrincipal,
    data: Annotated[ForecastRequest | None, Body()] = None,
) -> ForecastPublic:
    """Forecast the fund now from the book and the latest scores (audited); each knob left out
    is the setting's (``XYD_FUND_FORECAST_*``)."""
    knobs = (data or ForecastRequest()).parameters()
    forecast.run(session, trigger=ForecastTrigger.API, actor=principal, parameters=knobs)
    return ForecastPublic.of(forecast_view.view(session))


@router.post(
    "/contributions",
    response_model=ContributionPublic,
    status_code=201,
    responses={**KEYED},
)
def contribute(
    request: Request,
    session: SessionDep,
    principal: OfficePrincipal,
    data: ContributionCreate,
    call: Idempotent,
) -> ContributionPublic:
    """Put capital into the fund (出资): one journal entry, audited."""
    key = contribution_key(principal.ref, request.headers.get("Idempotency-Key"))
    transfer = capital.contribute(session, data=data, key=key, actor=principal)
    return call.answer(ContributionPublic.of(transfer, contributor=data.contributor), status=201)


@router.get("/agreements/{lender_code}", response_model=AgreementsPublic, responses=NO_LENDER)
def agreement_history(
    session: SessionDep, _: OfficePrincipal, lender_code: LenderCode
) -> AgreementsPublic:
    """Every version of the bank's cooperation agreement (合作协议), oldest first."""
    lender = lender_service.get_by_code(session, code=lender_code)
    rows = agreements.history(session, lender_code=lender.code)
    return AgreementsPublic(data=[AgreementPublic.of(r) for r in rows], count=len(rows))


@router.post(
    "/agreements/{lender_code}",
    response_model=AgreementPublic,
    status_code=201,
    responses={
        **NO_LENDER,
        409: problem_schema(
            "fund_allocation_exceeds_fund", "fund_allocation_in_use", "idempotency_key_in_progress"
        ),
        422: problem_schema("validation_error", "fund_invalid_terms", "idempotency_key_reused"),
    },
)
def sign_agreement(
    session: SessionDep,
    principal: OfficePrincipal,
    lender_code: LenderCode,
    terms: AgreementTerms,
    call: Idempotent,
) -> AgreementPublic:
    """Sign a new version with these terms; the allocation's change moves in the ledger."""
    signed = agreements.sign(session, lender_code=lender_code, terms=terms, actor=principal)
    return call.answer(AgreementPublic.of(signed), status=201)


@router.get("/claims", response_model=ClaimsPublic)
def list_claims(
    session: SessionDep,
    _: OfficePrincipal,
    page: PageDep,
    filters: Annotated[ClaimFilters, Query()],
) -> ClaimsPublic:
    """Claims, the longest waiting first, each with its age in city calendar days."""
    rows, total = office_view.claims_page(
        session,
        status=filters.status,
        lender_code=filters.lender_code,
        offset=page.offset,
        limit=page.limit,
    )
    return ClaimsPublic(data=[ClaimPublic.of(r) for r in rows], count=total)


@router.get("/claims/{claim_id}", response_model=ClaimDetail, responses=NO_CLAIM)
def read_claim(session: SessionDep, _: OfficePrincipal, claim_id: PathId) -> ClaimDetail:
    """One claim and its audited steps, oldest first."""
    return _detail(session, claim_id)


STEP_RESPONSES: Problems = {
    **NO_CLAIM,
    409: STEP_REFUSED,
    422: KEYED[422],
}


@router.post("/claims/{claim_id}/review", response_model=ClaimDetail, responses=STEP_RESPONSES)
def review_claim(
    session: SessionDep, principal: OfficePrincipal, claim_id: PathId, call: Idempotent
) -> ClaimDetail:
    """初审: the first look at a filed claim; who reviews may not approve it."""
    claims.review(session, claim_id=claim_id, actor=principal)
    return call.answer(_detail(session, claim_id))


@router.post(
    "/claims/{claim_id}/approve",
    response_model=ClaimDetail,
    responses={
        **STEP_RESPONSES,
        409: problem_schema(
            "fund_claim_wrong_step",
            "fund_claim_same_hands",
            "fund_exhausted",
            "idempotency_key_in_progress",
        ),
    },
)
def approve_claim(
    session: SessionDep, principal: OfficePrincipal, claim_id: PathId, call: Idempotent
) -> ClaimDetail:
    """批准 by someone other than the reviewer; above the agreement's threshold a third person
    approves again (复核). The payout is then set aside from the bank's allocation."""
    claims.approve(session, claim_id=claim_id, actor=principal)
    return call.answer(_detail(session, claim_id))


@router.post("/claims/{claim_id}/reject", response_model=ClaimDetail, responses=STEP_RESPONSES)
def reject_claim(
    session: SessionDep,
    principal: OfficePrincipal,
    claim_id: PathId,
    body: ClaimRejection,
    call: Idempotent,
) -> ClaimDetail:
    """驳回 an open claim with the reason the bank will read."""
    claims.reject(session, claim_id=claim_id, reason=body.reason, actor=principal)
    return call.answer(_detail(session, claim_id))


@router.post("/claims/{claim_id}/pay", response_model=ClaimDetail, responses=STEP_RESPONSES)
def pay_claim(
    session: SessionDep, principal: OfficePrincipal, claim_id: PathId, call: Idempotent
) -> ClaimDetail:
    """支付 an approved claim from its reserve; paying twice is refused."""
    claims.pay(session, claim_id=claim_id, actor=principal)
    return call.answer(_detail(session, claim_id))


@router.post("/claims/{claim_id}/write-off", response_model=ClaimDetail, responses=STEP_RESPONSES)
def write_off_claim(
    session: SessionDep, principal: OfficePrincipal, claim_id: PathId, call: Idempotent
) -> ClaimDetail:
    """核销 a paid claim: it is closed, later recoveries are the bank's alone."""
    claims.write_off(session, claim_id=claim_id, actor=principal)
    return call.answer(_detail(session, claim_id))


@router.get("/suspensions/{lender_code}", response_model=SuspensionsPublic, responses=NO_LENDER)
def suspensions(
    session: SessionDep, _: OfficePrincipal, lender_code: LenderCode
) -> SuspensionsPublic:
    """The bank's stretches without new cover, and its NPL ratio against its lines now."""
    lender = lender_service.get_by_code(session, code=lender_code)
    return SuspensionsPublic.of(office_view.suspensions(session, lender_code=lender.code))
