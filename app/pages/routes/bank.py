"""The bank's portal (银行), part one: its leads (推荐线索), each read under the enterprise's
consent and answered in its state: accept, decline, approve, reject, disburse.

Every page acts for the signed-in bank user's own lender only, through the same loaders
(``app.api.owned``) and services the API's ``/lender/leads`` routes call: another bank's lead
answers exactly as a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api import problems
from app.api.deps import PageDep, SessionDep
from app.api.owned import get_own_lead, get_own_lead_for_update, lender_code_of
from app.api.params import PathId
from app.consent import service as consent_service
from app.consent.exceptions import ConsentRequired
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.core.money import fen_to_yuan
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required
from lenders.deadlines.calendar import working_days_between
from lenders.leads import answers, deadlines, queries, records
from lenders.leads import contact as lead_contact
from lenders.leads.exceptions import ApprovalOutsideProduct
from lenders.leads.models import (
    DECLINE_REASON_LABELS,
    LEAD_STATUS_LABELS,
    Lead,
    LeadStatus,
)
from lenders.leads.schemas import ApprovalRequest, DeclineRequest, LeadFilters, RejectionRequest
from lenders.loans import service as loan_service
from lenders.loans.dates import today
from lenders.loans.schemas import DisbursementCreate
from lenders.products import service as product_service

router = APIRouter(prefix="/bank")
BankViewer = Annotated[
    Principal,
    Depends(role_required(Role.LENDER_USER, refusal="该页面仅供金融机构用户使用")),
]

# A rate as people write it: a percentage with at most two decimals (3.85 is 385 bp).
_PERCENT = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$")
PERCENT_HINT = "请填写年利率百分数，最多两位小数，如 3.85"


def percent_to_bp(text: str) -> int | None:
    """Basis points for a percentage typed in a form (``"3.85"`` → 385), else None."""
    text = text.strip()
    if not _PERCENT.fullmatch(text):
        return None
    return int(Decimal(text) * 100)


def bp_to_percent(bp: int | None) -> str:
    return "" if bp is None else f"{Decimal(bp) / 100:.2f}"


def rate_fields(
    values: dict[str, Any], pairs: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's ``{percent field: bp field}`` rates in basis points; errors by form field."""
    converted, errors = dict(values), {}
    for shown, field in pairs.items():
        text = str(converted.pop(shown, "") or "")
        if not text:
            continue
        bp = percent_to_bp(text)
        if bp is None:
            errors[shown] = PERCENT_HINT
        else:
            converted[field] = bp
    return converted, errors


def parse_with_rates(
    model: type[forms.Model], values: dict[str, Any], pairs: dict[str, str]
) -> tuple[forms.Model | None, dict[str, str]]:
    """``forms.parse`` with the percent fields turned into the schema's basis points first; an
    error of a bp field is shown beside the percent field it came from."""
    converted, rate_errors = rate_fields(values, pairs)
    data, errors = forms.parse(model, converted)
    shown = {field: name for name, field in pairs.items()}
    errors = {
        shown.get(key, key): _as_percent(text) if key in shown else text
        for key, text in errors.items()
    }
    errors.update(rate_errors)
    if errors:
        return None, errors
    return data, {}


def _as_percent(text: str) -> str:
    """A basis-point bound in a schema's message as the percentage the form asked for."""
    return re.sub(r"\d+", lambda found: f"{bp_to_percent(int(found.group()))}%", text)


def countdown(due: datetime | None, now: datetime) -> str | None:
    """剩余 N 个工作日 / 今日到期 / 已超时, by the deadline calendar's own count."""
    if due is None:
        return None
    if now > due:
        return "已超时"
    left = working_days_between(now, due)
    return "今日到期" if left == 0 else f"剩余 {left} 个工作日"


def open_due(lead: Lead) -> datetime | None:
    """The deadline the bank is working to: respond while offered, decide once accepted."""
    if lead.status is LeadStatus.OFFERED:
        return lead.respond_by
    if lead.status is LeadStatus.ACCEPTED:
        return lead.decide_by
    return None


def failure(session: Session, error: DomainError) -> tuple[int, str]:
    """Undo the failed action; its status and Chinese text for the page shown again."""
    session.rollback()
    return problems.status_of(error), messages.for_error(error)


@router.get("/leads", response_class=HTMLResponse)
def lead_inbox(
    request: Request, session: SessionDep, viewer: BankViewer, page: PageDep
) -> HTMLResponse:
    """推荐线索: the bank's leads newest first, each with its deadline and what is left of it."""
    asked = request.query_params.get("status", "")
    filters, errors = forms.parse(LeadFilters, {"status": asked})
    if filters is None:
        filters = LeadFilters()
    code = lender_code_of(session, viewer)
    rows, total = queries.page(
        session,
        lender_code=code,
        status=filters.status,
        application_id=None,
        offset=page.offset,
        limit=page.limit,
    )
    now = utcnow()
    record = records.bank_records(session, [code], now=now)[code]  # what matching ranks by
    return render(
        request, "bank/leads.html", viewer, rows=rows, total=total, page=page, errors=errors,
        record=record, window_days=records.WINDOW.days,
        chosen=filters.status.value if filters.status else "", statuses=LEAD_STATUS_LABELS,
        due={lead.id: open_due(lead) for lead in rows},
        left={lead.id: countdown(open_due(lead), now) for lead in rows},
        query=f"&status={quote(filters.status.value)}" if filters.status else "",
    )  # fmt: skip


def _lead_page(
    request: Request,
    session: Session,
    viewer: Principal,
    lead: Lead,
    *,
    form_errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, Any]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    assert lead.id is not None
    try:  # the same check and audited read as the API's lead detail
        consent_service.authorize_bank_read(
            session, uscc=lead.uscc, lender_code=lead.lender_code, reader=viewer, what="lead"
        )
        payload: dict[str, Any] | None = lead.payload
        contact = lead_contact.for_bank(session, lead=lead)
    except ConsentRequired:
        payload = None  # the grant ended: the lead's state stays answerable, its data closed
        contact = None
    product, _lender = product_service.get(session, product_id=lead.product_id)
    values = values or {}
    application = (payload or {}).get("application") or {}
    approval = {
        "amount_yuan": application.get("amount_yuan") or "",
        "term_months": application.get("term_months") or "",
        "rate_percent": "",
        **values.get("approve", {}),
    }
    disburse = {
        "disbursed_on": today().isoformat(),
        "amount_yuan": ""
        if lead.approved_amount_fen is None
        else f"{Decimal(lead.approved_amount_fen) / 100:.2f}",
        "contract_id": "",
        **values.get("disburse", {}),
    }
    return render(
        request, "bank/lead.html", viewer, status=status, lead=lead, payload=payload,
        product=product, statuses=LEAD_STATUS_LABELS, reasons=DECLINE_REASON_LABELS,
        transitions=queries.transitions_of(session, lead.id),
        deadlines=deadlines.of_lead(session, lead.id),
        left=countdown(open_due(lead), utcnow()), due=open_due(lead),
        form_errors=form_errors or {}, approval=approval, disburse=disburse, contact=contact,
        problem=next((e[""] for e in (form_errors or {}).values() if "" in e), None),
        decline=values.get("decline", {}), reject=values.get("reject", {}),
        bp_to_percent=bp_to_percent, LeadStatus=LeadStatus,
    )  # fmt: skip


@router.get("/leads/{lead_id}", response_class=HTMLResponse)
def lead_detail(
    request: Request, session: SessionDep, viewer: BankViewer, lead_id: PathId
) -> HTMLResponse:
    """One lead: what the enterprise authorized, its deadlines and moves, and its actions."""
    return _lead_page(request, session, viewer, get_own_lead(session, viewer, lead_id))


def _answer(
    request: Request,
    session: Session,
    viewer: Principal,
    lead_id: int,
    form: str,
    act: Callable[[Lead], object],
    values: dict[str, Any] | None = None,
    beside: Callable[[Lead, DomainError], dict[str, str]] | None = None,
) -> Response:
    """Do ``act`` on the bank's own lead and go back to it; a refusal shows the lead again,
    beside the fields it names when ``beside`` places it, else above the form."""
    lead = get_own_lead(session, viewer, lead_id)
    try:
        act(lead)
    except DomainError as error:
        status, text = failure(session, error)
        lead = get_own_lead(session, viewer, lead_id)
        errors = (beside(lead, error) if beside else {}) or {"": text}
        return _lead_page(
            request, session, viewer, lead, form_errors={form: errors},
            values={form: values or {}}, status=status,
        )  # fmt: skip
    return RedirectResponse(f"/bank/leads/{lead_id}", status_code=303)


def _invalid(
    request: Request,
    session: Session,
    viewer: Principal,
    lead_id: int,
    form: str,
    values: dict[str, Any],
    errors: dict[str, str],
) -> HTMLResponse:
    lead = get_own_lead(session, viewer, lead_id)
    return _lead_page(
        request, session, viewer, lead, form_errors={form: errors}, values={form: values},
        status=422,
    )  # fmt: skip


async def _fields(request: Request, names: tuple[str, ...]) -> dict[str, Any]:
    form = await request.form()
    return {name: str(form.get(name, "") or "") for name in names}


@router.post("/leads/{lead_id}/accept", response_model=None, dependencies=[CsrfChecked])
def accept_lead(
    request: Request, session: SessionDep, viewer: BankViewer, lead_id: PathId
) -> Response:
    """受理: the bank takes the lead up (answers.accept, as the API)."""
    return _answer(
        request, session, viewer, lead_id, "accept",
        lambda lead: answers.accept(session, lead=lead, actor=viewer),
    )  # fmt: skip


@router.post("/leads/{lead_id}/decline", response_model=None, dependencies=[CsrfChecked])
async def decline_lead(
    request: Request, session: SessionDep, viewer: BankViewer, lead_id: PathId
) -> Response:
    """不予受理, with a reason code from the fixed list (其他 needs a note)."""
    values = await _fields(request, ("reason", "note"))
    data, errors = forms.parse(DeclineRequest, values)
    if data is None:
        return _invalid(request, session, viewer, lead_id, "decline", values, errors)
    return _answer(
        request, session, viewer, lead_id, "decline",
        lambda lead: answers.decline(
            session, lead=lead, reason=data.reason, note=data.note, actor=viewer
        ),
        values,
    )  # fmt: skip


@router.post("/leads/{lead_id}/approval", response_model=None, dependencies=[CsrfChecked])
async def approve_lead(
    request: Request, session: SessionDep, viewer: BankViewer, lead_id: PathId
) -> Response:
    """审批通过: amount in yuan, term and annual rate, within the product's ranges."""
    values = await _fields(request, ("amount_yuan", "term_months", "rate_percent"))
    data, errors = parse_with_rates(ApprovalRequest, values, {"rate_percent": "rate_bp"})
    if data is None:
        return _invalid(request, session, viewer, lead_id, "approve", values, errors)
    return _answer(
        request, session, viewer, lead_id, "approve",
        lambda lead: answers.approve(
            session, lead=lead, amount_fen=data.amount_fen, rate_bp=data.rate_bp,
            term_months=data.term_months, actor=viewer,
        ),
        values,
        lambda lead, error: outside_product(session, lead, error),
    )  # fmt: skip


def outside_product(session: Session, lead: Lead, error: DomainError) -> dict[str, str]:
    """An approval outside the product's ranges, each out-of-range value beside its field with
    the range it must keep to; any other refusal is not placed (it goes above the form)."""
    if not isinstance(error, ApprovalOutsideProduct):
        return {}
    product, _lender = product_service.get(session, product_id=lead.product_id)
    ranges = {
        "amount": (
            "amount_yuan",
            f"金额超出产品范围，须在 {fen_to_yuan(product.min_amount_fen):,}–"
            f"{fen_to_yuan(product.max_amount_fen):,} 元之间",
        ),
        "term": (
            "term_months",
            f"期限超出产品范围，须在 {product.min_term_months}–{product.max_term_months} 个月之间",
        ),
        "rate": (
            "rate_percent",
            f"年利率超出产品范围，须在 {bp_to_percent(product.min_rate_bp)}%–"
            f"{bp_to_percent(product.max_rate_bp)}% 之间",
        ),
    }
    return dict(ranges[name] for name in error.extra.get("fields", []) if name in ranges)


@router.post("/leads/{lead_id}/rejection", response_model=None, dependencies=[CsrfChecked])
async def reject_lead(
    request: Request, session: SessionDep, viewer: BankViewer, lead_id: PathId
) -> Response:
    """审批未通过, with the reason in words."""
    values = await _fields(request, ("note",))
    data, errors = forms.parse(RejectionRequest, values)
    if data is None:
        return _invalid(request, session, viewer, lead_id, "reject", values, errors)
    return _answer(
        request, session, viewer, lead_id, "reject",
        lambda lead: answers.reject(session, lead=lead, note=data.note, actor=viewer),
        values,
    )  # fmt: skip


@router.post("/leads/{lead_id}/disbursement", response_model=None, dependencies=[CsrfChecked])
async def disburse_lead(
    request: Request, session: SessionDep, viewer: BankViewer, lead_id: PathId
) -> Response:
    """放款登记: the approved lead's loan (loan_service.disburse, as the API); then the loan."""
    values = await _fields(request, ("contract_id", "disbursed_on", "amount_yuan"))
    data, errors = forms.parse(DisbursementCreate, values)
    if data is None:
        return _invalid(request, session, viewer, lead_id, "disburse", values, errors)
    lead = get_own_lead_for_update(session, viewer, lead_id)
    try:
        loan = loan_service.disburse(session, lead=lead, data=data, actor=viewer)
    except DomainError as error:
        status, text = failure(session, error)
        lead = get_own_lead(session, viewer, lead_id)
        return _lead_page(
            request, session, viewer, lead, form_errors={"disburse": {"": text}},
            values={"disburse": values}, status=status,
        )  # fmt: skip
    return RedirectResponse(f"/bank/loans/{loan.id}", status_code=303)
