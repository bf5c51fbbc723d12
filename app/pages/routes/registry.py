"""企业库 (the enterprise registry) for the finance office, data operators and administrators,
and one enterprise's profile for them and for the enterprise itself."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.consent import service as consent_service
from app.core.errors import NotFound
from app.enterprises import service as enterprise_service
from app.enterprises.schemas import EnterpriseFilters
from app.pages import forms
from app.pages.rendering import render
from app.pages.viewer import SignedIn, role_required
from scoring.model.scale import GRADE_NAMES
from scoring.scores import repository as score_repository
from scoring.scores import service as score_service
from whitelist import service as whitelist_service

router = APIRouter()
FILTERS = ("q", "district", "industry_section", "entity_type", "status")
REGISTRY_ROLES = (Role.OFFICE, Role.ADMIN, Role.DATA_OPERATOR)
RegistryViewer = Annotated[
    Principal,
    Depends(role_required(*REGISTRY_ROLES, refusal="只有金融办、数据运维和管理员可以查看企业库")),
]


@router.get("/enterprises", response_class=HTMLResponse)
def enterprise_list(
    request: Request,
    session: SessionDep,
    viewer: RegistryViewer,
    page: PageDep,
) -> HTMLResponse:
    """Any subset of the filters and a search by code or name; a blank one means all (the
    form sends every field). Each row shows its latest grade and whether it is on the
    whitelist, fetched for the page's codes in one query each."""
    asked = {name: request.query_params.get(name, "") for name in FILTERS}
    filters, errors = forms.parse(EnterpriseFilters, asked)
    if filters is None:
        filters = EnterpriseFilters()
    rows, total = enterprise_service.list_page(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    codes = [row.uscc for row in rows]
    grades = score_service.latest_grades(session, usccs=codes)
    listed = whitelist_service.members_among(session, usccs=codes)
    kept = asked if filters is not None and not errors else {}
    query = "".join(f"&{name}={quote(value, safe='')}" for name, value in kept.items() if value)
    return render(
        request, "enterprises.html", viewer, rows=rows, total=total, page=page, filters=filters,
        errors=errors, query=query, grades=grades, listed=listed, grade_names=GRADE_NAMES,
    )  # fmt: skip


@router.get("/enterprises/{uscc}", response_class=HTMLResponse, response_model=None)
def enterprise_detail(
    request: Request, session: SessionDep, viewer: SignedIn, uscc: str
) -> Response:
    code = uscc.strip().upper()
    if viewer.role not in REGISTRY_ROLES and not viewer.is_enterprise(code):
        raise NotFound("没有找到该企业")
    enterprise = enterprise_service.get(session, code=code)
    consent_service.authorize_read(session, uscc=code, reader=viewer, what="profile")
    score = score_repository.latest_for(session, uscc=enterprise.uscc)
    return render(
        request, "enterprise.html", viewer, e=enterprise, score=score, grade_names=GRADE_NAMES
    )
