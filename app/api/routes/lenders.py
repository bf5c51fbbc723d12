"""Lenders as organisations, and their API keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.accounts import service as account_service
from app.accounts.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, ApiKeysPublic
from app.api.deps import (
    AdminPrincipal,
    CurrentLender,
    CurrentPrincipal,
    ManagedLender,
    OfficePrincipal,
    PageDep,
    SessionDep,
)
from app.api.params import PathId
from app.api.problems import problem_schema
from lenders.institutions import service as lender_service
from lenders.institutions.schemas import LenderCreate, LenderPublic, LendersPublic

router = APIRouter(prefix="/lenders", tags=["lenders"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: problem_schema("lender_not_found"),
    403: problem_schema("forbidden"),
}


@router.post(
    "",
    response_model=LenderPublic,
    status_code=201,
    responses={409: problem_schema("lender_code_taken")},
)
def create_lender(
    session: SessionDep, principal: AdminPrincipal, data: LenderCreate
) -> LenderPublic:
    """Register a lender (金融机构); audited as ``lender.create``."""
    return LenderPublic.model_validate(lender_service.create(session, data=data, actor=principal))


@router.get("", response_model=LendersPublic)
def list_lenders(session: SessionDep, _: OfficePrincipal, page: PageDep) -> LendersPublic:
    rows, total = lender_service.list_page(session, offset=page.offset, limit=page.limit)
    return LendersPublic(data=[LenderPublic.model_validate(r) for r in rows], count=total)


@router.get("/{lender_id}", response_model=LenderPublic, responses=NOT_FOUND)
def read_lender(lender: CurrentLender) -> LenderPublic:
    """A lender; its own users and systems see only it."""
    return LenderPublic.model_validate(lender)


@router.post(
    "/{lender_id}/api-keys", response_model=ApiKeyCreated, status_code=201, responses=NOT_FOUND
)
def create_api_key(
    session: SessionDep, principal: CurrentPrincipal, lender: ManagedLender, data: ApiKeyCreate
) -> ApiKeyCreated:
    """A new key for the lender's systems; the key is in this response and nowhere else."""
    assert lender.id is not None
    api_key, key = account_service.create_api_key(
        session, lender_id=lender.id, data=data, actor=principal
    )
    return ApiKeyCreated(**ApiKeyPublic.model_validate(api_key).model_dump(), key=key)


@router.get("/{lender_id}/api-keys", response_model=ApiKeysPublic, responses=NOT_FOUND)
def list_api_keys(session: SessionDep, lender: ManagedLender) -> ApiKeysPublic:
    assert lender.id is not None
    keys = account_service.list_api_keys(session, lender_id=lender.id)
    return ApiKeysPublic(data=[ApiKeyPublic.model_validate(k) for k in keys], count=len(keys))


@router.delete(
    "/{lender_id}/api-keys/{key_id}",
    response_model=ApiKeyPublic,
    responses={**NOT_FOUND, 404: problem_schema("lender_not_found", "api_key_not_found")},
)
def revoke_api_key(
    session: SessionDep, principal: CurrentPrincipal, lender: ManagedLender, key_id: PathId
) -> ApiKeyPublic:
    """Revoke a key at once (rotation: create the new key first, then revoke the old)."""
    assert lender.id is not None
    api_key = account_service.revoke_api_key(
        session, lender_id=lender.id, key_id=key_id, actor=principal
    )
    return ApiKeyPublic.model_validate(api_key)
