"""Scores: an enterprise's current score and reasons, online rescoring, and batch-run stability."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import (
    CurrentEnterprise,
    CurrentPrincipal,
    OfficePrincipal,
    PageDep,
    SessionDep,
    enterprise_data,
)
from app.api.problems import problem_schema
from app.consent import service as consent_service
from app.enterprises.models import Enterprise
from scoring.model.scale import GRADE_NAMES
from scoring.registry import service as registry_service
from scoring.scores import service as score_service
from scoring.scores.models import Score
from scoring.scores.online import shared_cache
from scoring.scores.schemas import ScorePublic, ScoreRunPublic, ScoreRunsPublic

router = APIRouter(tags=["scores"])


def public(score: Score) -> ScorePublic:
    return ScorePublic.model_validate(score).model_copy(
        update={"grade_name": GRADE_NAMES.get(score.grade, "")}
    )


@router.get(
    "/enterprises/{uscc}/score",
    response_model=ScorePublic,
    responses={
        404: problem_schema("enterprise_not_found", "not_found"),
        403: problem_schema("forbidden", "consent_required"),
    },
)
def read_score(
    session: SessionDep, enterprise: Annotated[Enterprise, Depends(enterprise_data("score"))]
) -> ScorePublic:
    """The latest score: PD, points, grade (优秀…差) and the reasons, in Chinese."""
    return public(score_service.latest(session, uscc=enterprise.uscc))


@router.post(
    "/enterprises/{uscc}/rescore",
    response_model=ScorePublic,
    responses={404: problem_schema("enterprise_not_found", "no_champion_model")},
)
def rescore(
    session: SessionDep, principal: CurrentPrincipal, enterprise: CurrentEnterprise
) -> ScorePublic:
    """Recompute one enterprise now from its stored data with the champion model."""
    consent_service.authorize_read(session, uscc=enterprise.uscc, reader=principal, what="score")
    registry_service.champion(session)  # fail fast, before the sources are read
    cache = shared_cache()
    return public(
        score_service.rescore(
            session,
            uscc=enterprise.uscc,
            features=lambda day: cache.features_for(session, uscc=enterprise.uscc, as_of=day),
        )
    )


@router.get("/score-runs", response_model=ScoreRunsPublic)
def list_runs(session: SessionDep, _: OfficePrincipal, page: PageDep) -> ScoreRunsPublic:
    """Batch runs with their population stability (PSI) against the previous run."""
    rows, total = score_service.list_runs(session, offset=page.offset, limit=page.limit)
    return ScoreRunsPublic(data=[ScoreRunPublic.model_validate(r) for r in rows], count=total)
