"""The enterprise's portal (企业): its credit, its applications, its consents and who read its
data. Every page calls the service its API route calls, for the signed-in enterprise only."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.applications import service as application_service
from app.applications.models import PRODUCT_TYPE_LABELS, STATUS_LABELS, ProductType
from app.applications.schemas import ApplicationCreate, ApplicationFilters, WithdrawRequest
from app.consent import service as consent_service
from app.consent.models import SCOPE_LABELS, ConsentScope
from app.consent.schemas import AuthorizationCreate, AuthorizationRevoke
from app.core.clock import to_local, utcnow
from app.core.errors import DomainError, NotFound
from app.enterprises import service as enterprise_service
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import EnterpriseViewer
from lenders.institutions import service as lender_service
from lenders.matching import facts as matching_facts
from lenders.products import eligibility
from lenders.products import service as product_service
from lenders.products.schemas import ProductFilters
from scoring.model.scale import GRADE_NAMES
from scoring.scores import freshness
from scoring.scores import service as score_service
from whitelist import service as whitelist_service

router = APIRouter(prefix="/me")


def own_uscc(viewer: Principal) -> str:
    assert viewer.uscc is not None  # the users table binds every enterprise user to one
    return viewer.uscc


@router.get("", response_class=HTMLResponse)
def my_credit(request: Request, session: SessionDep, viewer: EnterpriseViewer) -> HTMLResponse:
    """我的信用: the enterprise, its latest score with what lowers it, its score history,
    whether it is on the whitelist, rule by rule, and how current each data source is."""
    uscc = own_uscc(viewer)
    enterprise = enterprise_service.get(session, code=uscc)
    history = score_service.history(session, uscc=uscc, limit=12)
    standing = whitelist_service.explain(session, uscc=uscc)
    return render(
        request,
        "me/credit.html",
        viewer,
        e=enterprise,
        score=history[0] if history else None,
        history=history,
        standing=standing,
        grade_names=GRADE_NAMES,
        freshness=freshness.of_enterprise(session, uscc=uscc),
    )


@router.get("/products", response_class=HTMLResponse)
def products(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, page: PageDep
) -> HTMLResponse:
    """产品超市: the products on offer, each with whether this enterprise meets its rules and,
    if not, which ones; applying starts from the product's type and bank."""
    asked = {"product_type": request.query_params.get("product_type", "")}
    filters, errors = forms.parse(ProductFilters, asked)
    rows, total = product_service.browse(
        session, filters=filters or ProductFilters(), offset=page.offset, limit=page.limit
    )
    enterprise = enterprise_service.get(session, code=own_uscc(viewer))
    facts = matching_facts.of_enterprise(session, enterprise, today=to_local(utcnow()).date())
    offers = [
        (product, lender, eligibility.enterprise_fails(product, facts)) for product, lender in rows
    ]
    chosen = asked["product_type"] if filters else ""
    query = f"&product_type={quote(chosen)}" if chosen else ""
    return render(
        request,
        "me/products.html",
        viewer,
        offers=offers,
        total=total,
        page=page,
        query=query,
        chosen=chosen,
        errors=errors,
        product_types=PRODUCT_TYPE_LABELS,
    )


def _lenders(session: Session) -> list[Any]:
    return list(lender_service.list_active(session))


def _application_form(
    request: Request,
    session: SessionDep,
    viewer: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "me/apply.html",
        viewer,
        status=status,
        values=values or {},
        errors=errors or {},
        lenders=_lenders(session),
        product_types=PRODUCT_TYPE_LABELS,
    )


@router.get("/applications", response_class=HTMLResponse)
def my_applications(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, page: PageDep
) -> HTMLResponse:
    filters = ApplicationFilters(uscc=own_uscc(viewer))
    rows, total = application_service.list_page(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    return render(
        request,
        "me/applications.html",
        viewer,
        rows=rows,
        total=total,
        page=page,
        status_labels=STATUS_LABELS,
        product_types=PRODUCT_TYPE_LABELS,
    )


@router.get("/applications/new", response_class=HTMLResponse)
def new_application(
    request: Request, session: SessionDep, viewer: EnterpriseViewer
) -> HTMLResponse:
    asked = {key: request.query_params.get(key, "") for key in ("product_type", "lender_code")}
    values: dict[str, Any] = {}
    if asked["product_type"] in {t.value for t in ProductType}:
        values["product_type"] = asked["product_type"]
    if asked["lender_code"] in {lender.code for lender in _lenders(session)}:
        values["lender_code"] = asked["lender_code"]
    return _application_form(request, session, viewer, values=values)


@router.post("/applications", response_model=None, dependencies=[CsrfChecked])
async def submit_application(
    request: Request, session: SessionDep, viewer: EnterpriseViewer
) -> Response:
    form = await request.form()
    values = {
        key: form.get(key, "")
        for key in ("amount_yuan", "term_months", "purpose", "product_type", "lender_code")
    }
    fields: dict[str, Any] = dict(values)
    fields["green"] = form.get("green") == "on"
    fields["tech"] = form.get("tech") == "on"
    data, errors = forms.parse(ApplicationCreate, fields)
    if data is None:
        return _application_form(request, session, viewer, values=values, errors=errors, status=422)
    try:
        application = application_service.create(
            session, uscc=own_uscc(viewer), data=data, actor=viewer
        )
    except DomainError as error:
        session.rollback()
        errors = {"": messages.for_error(error)}
        return _application_form(request, session, viewer, values=values, errors=errors, status=422)
    return RedirectResponse(f"/me/applications/{application.id}", status_code=303)


def _own_application(session: Session, viewer: Principal, application_id: int) -> Any:
    application = application_service.get(session, application_id=application_id)
    if application.uscc != viewer.uscc:  # another enterprise's: as if it did not exist
        raise NotFound("没有找到该融资申请")
    return application


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def my_application(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, application_id: int
) -> HTMLResponse:
    application = _own_application(session, viewer, application_id)
    history = application_service.history(session, application_id=application_id)
    return render(
        request,
        "me/application.html",
        viewer,
        a=application,
        history=history,
        status_labels=STATUS_LABELS,
        product_types=PRODUCT_TYPE_LABELS,
        withdrawable=application_service.can_withdraw(application),
    )


@router.post(
    "/applications/{application_id}/withdraw", response_model=None, dependencies=[CsrfChecked]
)
def withdraw_application(
    session: SessionDep,
    viewer: EnterpriseViewer,
    application_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    application = _own_application(session, viewer, application_id)
    data = WithdrawRequest(reason=reason or None)
    application_service.withdraw(session, application=application, actor=viewer, reason=data.reason)
    return RedirectResponse(f"/me/applications/{application_id}", status_code=303)


def _consents_page(
    request: Request,
    session: SessionDep,
    viewer: Principal,
    page: Any,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows, total = consent_service.list_for(
        session, uscc=own_uscc(viewer), offset=page.offset, limit=page.limit
    )
    lenders = _lenders(session)
    return render(
        request,
        "me/consents.html",
        viewer,
        status=status,
        rows=rows,
        total=total,
        page=page,
        now=utcnow(),
        scopes=SCOPE_LABELS,
        lenders=lenders,
        lender_names={lender.code: lender.name for lender in lenders},
        values=values or {"scope": ConsentScope.MATCHED_BANKS.value},
        errors=errors or {},
    )


@router.get("/consents", response_class=HTMLResponse)
def my_consents(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, page: PageDep
) -> HTMLResponse:
    return _consents_page(request, session, viewer, page)


@router.post("/consents", response_model=None, dependencies=[CsrfChecked])
async def grant_consent(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, page: PageDep
) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "scope": form.get("scope", ""),
        "valid_until": form.get("valid_until", ""),
        "lender_codes": [str(code) for code in form.getlist("lender_codes") if code],
    }
    data, errors = forms.parse(AuthorizationCreate, values)
    if data is None:
        return _consents_page(
            request, session, viewer, page, values=values, errors=errors, status=422
        )
    try:
        consent_service.grant(session, uscc=own_uscc(viewer), data=data, actor=viewer)
    except DomainError as error:
        session.rollback()
        return _consents_page(
            request, session, viewer, page, values=values,
            errors={"": messages.for_error(error)}, status=422,
        )  # fmt: skip
    return RedirectResponse("/me/consents", status_code=303)


@router.post("/consents/{authorization_id}/revoke", response_model=None, dependencies=[CsrfChecked])
def revoke_consent(
    session: SessionDep,
    viewer: EnterpriseViewer,
    authorization_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    data = AuthorizationRevoke(reason=reason or None)
    consent_service.revoke(
        session,
        uscc=own_uscc(viewer),
        authorization_id=authorization_id,
        reason=data.reason,
        actor=viewer,
    )
    return RedirectResponse("/me/consents", status_code=303)


@router.get("/data-access", response_class=HTMLResponse)
def data_access(
    request: Request, session: SessionDep, viewer: EnterpriseViewer, page: PageDep
) -> HTMLResponse:
    """查询记录: who read the enterprise's data, named (bank and person), not by id."""
    rows, total = consent_service.reads_of(
        session, uscc=own_uscc(viewer), offset=page.offset, limit=page.limit
    )
    names = account_service.actor_names(session, [row.actor for row in rows])
    return render(
        request, "me/data_access.html", viewer, rows=rows, total=total, page=page, names=names
    )
