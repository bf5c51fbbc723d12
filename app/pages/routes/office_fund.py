"""金融办's risk-buffer fund pages, part one: the fund (风险缓释基金) with its position, banks,
claims pipeline and the contribution form; one bank's agreements, the form that signs a new
version, and its suspensions. The same services as ``app/api/routes/fund.py``; a refused
form changes nothing and says why in Chinese beside the field."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import SessionDep, reads_first
from app.api.problems import status_of
from app.core.errors import DomainError
from app.core.ids import MAX_ID
from app.core.money import fen_to_yuan
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required
from lenders.fund import agreements, capital, forecast, forecast_view, office_view
from lenders.fund.models import (
    FORECAST_TRIGGER_LABELS,
    RISK_CLASS_LABELS,
    CooperationAgreement,
    ForecastTrigger,
    RiskClass,
)
from lenders.fund.schemas import AgreementTerms, ContributionCreate
from lenders.institutions import service as lender_service

router = APIRouter(prefix="/fund")
REFUSAL = "只有金融办和管理员可以查看风险缓释基金"
FundViewer = Annotated[Principal, Depends(role_required(Role.OFFICE, Role.ADMIN, refusal=REFUSAL))]
LenderCode = Annotated[str, Path(min_length=2, max_length=32, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Flash = Annotated[int | None, Query(ge=1, le=MAX_ID)]
CONTRIBUTION_FIELDS = ("contributor", "amount_yuan")
TERM_FIELDS = (
    "effective_from",
    "expires_on",
    "allocation_yuan",
    "compensation_ratio_bp",
    "leverage",
    "enterprise_cap_yuan",
    "eligible_product_ids",
    "claim_window_days",
    "premium_rate_bp",
    "period_cap_bp",
    "premium_match_bp",
    "payout_premium_multiple",
    "claimable_from",
    "recovery_notice_days",
    "suspension_npl_bp",
    "reinstatement_npl_bp",
    "second_approval_above_yuan",
)
OPTIONAL_TERMS = (
    "expires_on",
    "eligible_product_ids",
    "premium_rate_bp",
    "period_cap_bp",
    "premium_match_bp",
    "payout_premium_multiple",
    "recovery_notice_days",
)
# A refusal about one field is shown beside it rather than above the form.
FIELD_OF_CODE = {
    "fund_allocation_exceeds_fund": "allocation_yuan",
    "fund_allocation_in_use": "allocation_yuan",
}


def bp_percent(bp: int | None) -> str:
    """Basis points as people read them: 4000 → 40%, 250 → 2.5%."""
    if bp is None:
        return "—"
    return f"{bp / 100:.2f}".rstrip("0").rstrip(".") + "%"


def _fund_page(
    request: Request,
    session: Session,
    viewer: Principal,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    contributed: int | None = None,
    forecasted: bool = False,
) -> HTMLResponse:
    overview = office_view.overview(session)
    signed = {b.lender_code for b in overview.banks}
    return render(
        request,
        "office/fund.html",
        viewer,
        status=status,
        overview=overview,
        unsigned=[le for le in lender_service.list_active(session) if le.code not in signed],
        values=values or {"contributor": "office", "amount_yuan": ""},
        errors=errors or {},
        contribution_key=uuid.uuid4().hex,
        contributed=contributed,
        bp_percent=bp_percent,
        forecast=forecast_view.view(session),
        forecasted=forecasted,
        trigger_labels={t.value: label for t, label in FORECAST_TRIGGER_LABELS.items()},
    )


@router.get("", response_class=HTMLResponse)
def fund(
    request: Request,
    session: SessionDep,
    viewer: FundViewer,
    contributed: Flash = None,
    forecasted: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    """风险缓释基金: capital and where it stands, each bank against its lines, the claims, and
    the run-out forecast beside the claims paid."""
    return _fund_page(request, session, viewer, contributed=contributed, forecasted=forecasted)


@router.post("/forecast", response_model=None, dependencies=[CsrfChecked])
@reads_first  # the Monte Carlo reads for seconds; a forecast may be of a moment's book
def run_forecast(session: SessionDep, viewer: FundViewer) -> Response:
    """立即预测, as ``POST /api/v1/fund/forecast`` with the settings' knobs (audited)."""
    forecast.run(session, trigger=ForecastTrigger.API, actor=viewer)
    return RedirectResponse("/fund?forecasted=true#fund-forecast", status_code=303)


@router.post("/contributions", response_model=None, dependencies=[CsrfChecked])
async def contribute(request: Request, session: SessionDep, viewer: FundViewer) -> Response:
    """出资, as ``POST /api/v1/fund/contributions``. The form carries a key made when it was
    shown, so the same form sent twice (a double click, a reload) is one journal entry."""
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in CONTRIBUTION_FIELDS}
    key = str(form.get("key", ""))
    data, errors = forms.parse(ContributionCreate, values)
    if len(key) != 32 or not key.isalnum():
        errors = {**errors, "": "表单已过期，请刷新页面后重新提交"}
    if data is None or errors:
        return _fund_page(request, session, viewer, values=values, errors=errors, status=422)
    transfer = capital.contribute(session, data=data, key=f"page:{key}", actor=viewer)
    return RedirectResponse(f"/fund?contributed={transfer.id}", status_code=303)


def _terms_of(current: CooperationAgreement | None) -> dict[str, str]:
    """The signing form prefilled with the current version's terms (or SPEC §7's defaults),
    starting today."""
    base: dict[str, Any] = (
        {name: getattr(current, name, None) for name in TERM_FIELDS} if current else {}
    )
    if current is not None:
        base["allocation_yuan"] = fen_to_yuan(current.allocation_fen)
        base["enterprise_cap_yuan"] = fen_to_yuan(current.enterprise_cap_fen)
        base["second_approval_above_yuan"] = fen_to_yuan(current.second_approval_above_fen)
        base["eligible_product_ids"] = ", ".join(str(i) for i in current.eligible_product_ids)
    else:
        fields = AgreementTerms.model_fields
        base = {name: fields[name].get_default() for name in TERM_FIELDS}
        base["allocation_yuan"] = base["eligible_product_ids"] = ""
    base["effective_from"] = office_view.today().isoformat()
    base["expires_on"] = ""
    return {name: "" if value is None else str(value) for name, value in base.items()}


def _bank_page(
    request: Request,
    session: Session,
    viewer: Principal,
    lender_code: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    signed: int | None = None,
) -> HTMLResponse:
    lender = lender_service.get_by_code(session, code=lender_code)
    history = agreements.history(session, lender_code=lender.code)
    figures = office_view.bank(session, lender_code=lender.code)
    return render(
        request,
        "office/fund_bank.html",
        viewer,
        status=status,
        lender=lender,
        history=history,
        figures=figures,
        suspensions=office_view.suspensions(session, lender_code=lender.code),
        names=account_service.actor_names(session, [a.signed_by for a in history]),
        values=values or _terms_of(history[-1] if history else None),
        errors=errors or {},
        signed=signed,
        bp_percent=bp_percent,
        risk_classes=[(c.value, RISK_CLASS_LABELS[c]) for c in RiskClass],
    )


@router.get("/banks/{lender_code}", response_class=HTMLResponse)
def bank(
    request: Request,
    session: SessionDep,
    viewer: FundViewer,
    lender_code: LenderCode,
    signed: Flash = None,
) -> HTMLResponse:
    """One bank: its agreement's versions, the form that signs the next one, its suspensions."""
    return _bank_page(request, session, viewer, lender_code, signed=signed)


def _terms_form(values: dict[str, str]) -> dict[str, Any]:
    """The form's text as the API's body: the product list split on commas."""
    body: dict[str, Any] = dict(values)
    products = [p.strip() for p in values["eligible_product_ids"].replace("，", ",").split(",")]
    body["eligible_product_ids"] = [p for p in products if p] or None
    return body


@router.post("/banks/{lender_code}/agreements", response_model=None, dependencies=[CsrfChecked])
async def sign(
    request: Request, session: SessionDep, viewer: FundViewer, lender_code: LenderCode
) -> Response:
    """签订新版本, as ``POST /api/v1/fund/agreements/{lender_code}``: every term is sent (the
    form is prefilled), the allocation's change moves in the ledger, audited by the service."""
    lender = lender_service.get_by_code(session, code=lender_code)
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in TERM_FIELDS}
    terms, errors = forms.parse(AgreementTerms, _terms_form(values))
    # Every term is shown filled in: a blank one is a slip, not "the default".
    blank = {n: "请填写此项" for n in TERM_FIELDS if n not in OPTIONAL_TERMS and not values[n]}
    if terms is None or blank:
        errors = {**errors, **blank}
        return _bank_page(
            request, session, viewer, lender.code, values=values, errors=errors, status=422
        )
    try:
        signed = agreements.sign(session, lender_code=lender.code, terms=terms, actor=viewer)
    except DomainError as error:
        session.rollback()
        field = FIELD_OF_CODE.get(error.code, "")
        errors = {field: messages.for_error(error)}
        return _bank_page(
            request, session, viewer, lender.code, values=values, errors=errors,
            status=status_of(error),
        )  # fmt: skip
    return RedirectResponse(
        f"/fund/banks/{lender.code}?signed={signed.version}#agreement-{signed.version}",
        status_code=303,
    )
