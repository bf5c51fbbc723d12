"""The model registry: versions with their cards, and promotion of the champion (admin)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import AdminPrincipal, OfficePrincipal, SessionDep
from app.api.problems import problem_schema
from scoring.registry import service as registry_service
from scoring.registry.schemas import ModelVersionPublic, ModelVersionsPublic

router = APIRouter(prefix="/models", tags=["models"])


@router.get("", response_model=ModelVersionsPublic)
def list_models(session: SessionDep, _: OfficePrincipal) -> ModelVersionsPublic:
    """Registered model versions, newest first."""
    rows = registry_service.list_all(session)
    return ModelVersionsPublic(
        data=[ModelVersionPublic.model_validate(r) for r in rows], count=len(rows)
    )


@router.get(
    "/{name}", response_model=ModelVersionPublic, responses={404: problem_schema("model_not_found")}
)
def read_model(session: SessionDep, _: OfficePrincipal, name: str) -> ModelVersionPublic:
    """One version: training window, features, metrics and hashes."""
    return ModelVersionPublic.model_validate(registry_service.get(session, name=name))


@router.post(
    "/{name}/promote",
    response_model=ModelVersionPublic,
    responses={404: problem_schema("model_not_found")},
)
def promote_model(session: SessionDep, principal: AdminPrincipal, name: str) -> ModelVersionPublic:
    """Make this version the champion; an audited act, the previous champion steps down."""
    return ModelVersionPublic.model_validate(
        registry_service.promote(session, name=name, actor=principal)
    )
