"""The whitelist (白名单): policy versions, refresh, versions and their changes, and the why."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.accounts.models import Role
from app.api.deps import OfficePrincipal, PageDep, SessionDep, enterprise_data
from app.api.params import PathId
from app.api.problems import problem_schema
from app.enterprises.models import Enterprise
from whitelist import export as export_service
from whitelist import policy as policy_service
from whitelist import service as whitelist_service
from whitelist.policy import PolicyChange
from whitelist.refresh import refresh as run_refresh
from whitelist.schemas import (
    ChangePublic,
    ChangesPublic,
    PoliciesPublic,
    PolicyPublic,
    RefreshPublic,
    StandingPublic,
    VersionPublic,
    VersionsPublic,
)

router = APIRouter(tags=["whitelist"])
Number = PathId
# The enterprise itself and the office; a bank learns of exits through its leads.
StandingOf = Annotated[
    Enterprise,
    Depends(enterprise_data("whitelist_standing", readers=frozenset({Role.OFFICE, Role.ADMIN}))),
]


@router.get("/whitelist/policy", response_model=PolicyPublic)
def current_policy(session: SessionDep, _: OfficePrincipal) -> PolicyPublic:
    """The policy in force: operating months, grades, demand window, disqualifying lists."""
    return PolicyPublic.model_validate(policy_service.current(session))


@router.get("/whitelist/policies", response_model=PoliciesPublic)
def policy_history(session: SessionDep, _: OfficePrincipal) -> PoliciesPublic:
    rows = policy_service.history(session)
    return PoliciesPublic(data=[PolicyPublic.model_validate(r) for r in rows], count=len(rows))


@router.post("/whitelist/policies", response_model=PolicyPublic, status_code=201)
def change_policy(
    session: SessionDep, principal: OfficePrincipal, body: PolicyChange
) -> PolicyPublic:
    """A new policy version from the current one; fields left out keep their value. Audited."""
    return PolicyPublic.model_validate(policy_service.change(session, data=body, actor=principal))


@router.post(
    "/whitelist/refresh",
    response_model=RefreshPublic,
    responses={
        404: problem_schema("no_champion_model"),
        409: problem_schema("champion_not_scored"),
    },
)
def refresh(session: SessionDep, principal: OfficePrincipal) -> RefreshPublic:
    """Judge every enterprise now; a new version only when someone joins or exits."""
    result = run_refresh(session, actor=principal)
    return RefreshPublic(
        changed=result.changed,
        version=VersionPublic.model_validate(result.version) if result.version else None,
    )


@router.get("/whitelist/versions", response_model=VersionsPublic)
def list_versions(session: SessionDep, _: OfficePrincipal, page: PageDep) -> VersionsPublic:
    rows, total = whitelist_service.versions(session, offset=page.offset, limit=page.limit)
    return VersionsPublic(data=[VersionPublic.model_validate(r) for r in rows], count=total)


@router.get(
    "/whitelist/versions/{number}",
    response_model=VersionPublic,
    responses={404: problem_schema("whitelist_version_not_found")},
)
def read_version(session: SessionDep, _: OfficePrincipal, number: Number) -> VersionPublic:
    return VersionPublic.model_validate(whitelist_service.version(session, number=number))


@router.get(
    "/whitelist/versions/{number}/changes",
    response_model=ChangesPublic,
    responses={404: problem_schema("whitelist_version_not_found")},
)
def version_changes(
    session: SessionDep,
    _: OfficePrincipal,
    number: Number,
    page: PageDep,
    kind: Annotated[Literal["join", "exit"] | None, Query()] = None,
) -> ChangesPublic:
    """The version's diff: joins, and exits with a reason code for each."""
    rows, total = whitelist_service.changes(
        session, number=number, kind=kind, offset=page.offset, limit=page.limit
    )
    return ChangesPublic(data=[ChangePublic.model_validate(r) for r in rows], count=total)


@router.get(
    "/whitelist/versions/{number}/export",
    response_class=Response,
    responses={
        200: {"content": {export_service.MEDIA_TYPE: {}}, "description": "the .xlsx workbook"},
        404: problem_schema("whitelist_version_not_found"),
    },
)
def export_version(session: SessionDep, principal: OfficePrincipal, number: Number) -> Response:
    """The version as Excel: members (白名单) and joins and exits (变动), as of when. Audited."""
    workbook = export_service.export(session, number=number, actor=principal)
    return Response(
        workbook.content,
        media_type=export_service.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{workbook.filename}"'},
    )


@router.get("/enterprises/{uscc}/whitelist", response_model=StandingPublic)
def standing(session: SessionDep, enterprise: StandingOf) -> StandingPublic:
    """On the whitelist or not and, rule by rule, pass or fail with what would change it."""
    return StandingPublic.model_validate(whitelist_service.explain(session, uscc=enterprise.uscc))
