"""Financing applications (融资需求): the enterprise applies, follows and withdraws; staff read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.api.owned import Applicant, ApplicationReader, OwnApplication, VisibleApplication
from app.api.problems import problem_schema
from app.applications import service as application_service
from app.applications.models import FinancingApplication
from app.applications.schemas import (
    ApplicationCreate,
    ApplicationDetail,
    ApplicationFilters,
    ApplicationPublic,
    ApplicationsPublic,
    TransitionPublic,
    WithdrawRequest,
)
from app.core.errors import PermissionDenied

router = APIRouter(tags=["applications"])


def _enterprise_of(principal: Principal) -> str:
    if principal.uscc is None:  # the users table forbids it; a clear error all the same
        raise PermissionDenied("this account is not bound to an enterprise")
    return principal.uscc


def _detail(session: Session, application: FinancingApplication) -> ApplicationDetail:
    assert application.id is not None
    history = application_service.history(session, application_id=application.id)
    return ApplicationDetail.of(application).model_copy(
        update={"transitions": [TransitionPublic.model_validate(t) for t in history]}
    )


@router.post(
    "/applications",
    response_model=ApplicationDetail,
    status_code=201,
    responses={
        409: problem_schema("enterprise_not_active"),
        422: problem_schema("validation_error", "unknown_lender", "lender_inactive"),
    },
)
def create_application(
    session: SessionDep, principal: Applicant, data: ApplicationCreate
) -> ApplicationDetail:
    """State a financing need: amount, term, purpose, product type, optionally a bank."""
    application = application_service.create(
        session, uscc=_enterprise_of(principal), data=data, actor=principal
    )
    return _detail(session, application)


@router.get("/applications", response_model=ApplicationsPublic)
def list_applications(
    session: SessionDep,
    principal: ApplicationReader,
    page: PageDep,
    filters: Annotated[ApplicationFilters, Depends()],
) -> ApplicationsPublic:
    """Newest first: an enterprise sees its own, office and admin see all (filter by uscc)."""
    if principal.role is Role.ENTERPRISE:
        filters = filters.model_copy(update={"uscc": _enterprise_of(principal)})
    rows, total = application_service.list_page(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    return ApplicationsPublic(data=[ApplicationPublic.of(r) for r in rows], count=total)


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationDetail,
    responses={404: problem_schema("application_not_found"), 403: problem_schema("forbidden")},
)
def read_application(session: SessionDep, application: VisibleApplication) -> ApplicationDetail:
    """One application with every transition: who moved it, when and why."""
    return _detail(session, application)


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationDetail,
    responses={
        404: problem_schema("application_not_found"),
        403: problem_schema("forbidden"),
        409: problem_schema("illegal_transition", "application_changed"),
    },
)
def withdraw_application(
    session: SessionDep,
    principal: Applicant,
    application: OwnApplication,
    data: Annotated[WithdrawRequest | None, Body()] = None,
) -> ApplicationDetail:
    """Take an application back, until a bank has approved it."""
    reason = data.reason if data is not None else None
    application_service.withdraw(session, application=application, actor=principal, reason=reason)
    return _detail(session, application)
