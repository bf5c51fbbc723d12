"""Consent (授权): the enterprise grants, lists and revokes; it sees who read its data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends

from app.accounts.models import Role
from app.api.deps import CurrentPrincipal, OwnEnterprise, PageDep, SessionDep, enterprise_data
from app.api.params import PathId
from app.api.problems import problem_schema
from app.consent import service as consent_service
from app.consent.schemas import (
    AuthorizationCreate,
    AuthorizationPublic,
    AuthorizationRevoke,
    AuthorizationsPublic,
    DataAccessesPublic,
    DataAccessPublic,
)
from app.core.clock import utcnow
from app.enterprises.models import Enterprise

router = APIRouter(tags=["consent"])

# The enterprise itself and supervising staff; a bank would see the grants to other banks.
SUPERVISORS = frozenset({Role.OFFICE, Role.ADMIN})
AuthorizationsOf = Annotated[
    Enterprise, Depends(enterprise_data("authorizations", readers=SUPERVISORS))
]
AccessLogOf = Annotated[
    Enterprise, Depends(enterprise_data("data_access_log", readers=SUPERVISORS))
]


@router.post(
    "/enterprises/{uscc}/authorizations",
    response_model=AuthorizationPublic,
    status_code=201,
    responses={422: problem_schema("invalid_authorization", "validation_error")},
)
def grant(
    session: SessionDep,
    principal: CurrentPrincipal,
    enterprise: OwnEnterprise,
    body: AuthorizationCreate,
) -> AuthorizationPublic:
    """Grant an authorization: scope, purpose (financing) and validity (default one year)."""
    row = consent_service.grant(session, uscc=enterprise.uscc, data=body, actor=principal)
    return AuthorizationPublic.of(row, now=utcnow())


@router.get("/enterprises/{uscc}/authorizations", response_model=AuthorizationsPublic)
def list_authorizations(
    session: SessionDep, enterprise: AuthorizationsOf, page: PageDep
) -> AuthorizationsPublic:
    """The enterprise's authorizations, newest first, active or not."""
    rows, total = consent_service.list_for(
        session, uscc=enterprise.uscc, offset=page.offset, limit=page.limit
    )
    now = utcnow()
    return AuthorizationsPublic(
        data=[AuthorizationPublic.of(r, now=now) for r in rows], count=total
    )


@router.post(
    "/enterprises/{uscc}/authorizations/{authorization_id}/revoke",
    response_model=AuthorizationPublic,
    responses={
        404: problem_schema("authorization_not_found"),
        409: problem_schema("authorization_not_active"),
    },
)
def revoke(
    session: SessionDep,
    principal: CurrentPrincipal,
    enterprise: OwnEnterprise,
    authorization_id: PathId,
    body: Annotated[AuthorizationRevoke | None, Body()] = None,
) -> AuthorizationPublic:
    """Revoke now: no bank reads under it again and no new lead is pushed under it."""
    row = consent_service.revoke(
        session,
        uscc=enterprise.uscc,
        authorization_id=authorization_id,
        reason=body.reason if body else None,
        actor=principal,
    )
    return AuthorizationPublic.of(row, now=utcnow())


@router.get("/enterprises/{uscc}/data-access", response_model=DataAccessesPublic)
def data_access(session: SessionDep, enterprise: AccessLogOf, page: PageDep) -> DataAccessesPublic:
    """Who read the enterprise's data, when, what, and under which authorization."""
    rows, total = consent_service.reads_of(
        session, uscc=enterprise.uscc, offset=page.offset, limit=page.limit
    )
    return DataAccessesPublic(data=[DataAccessPublic.of(r) for r in rows], count=total)
