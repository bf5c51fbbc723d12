"""A bank's own place in the office's league table: its row and rank, never another bank's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.api.deps import SessionDep
from app.api.owned import Banker, lender_code_of
from app.api.problems import problem_schema
from app.monitoring import league, repository
from app.monitoring.schemas import LeagueEntryPublic, LeaguePositionPublic, Month

router = APIRouter(prefix="/lender/league", tags=["monitoring"])
FORBIDDEN: dict[int | str, dict[str, Any]] = {403: problem_schema("forbidden")}


@router.get("", response_model=LeaguePositionPublic, responses=FORBIDDEN)
def own_position(
    session: SessionDep, principal: Banker, month: Annotated[Month, Query()]
) -> LeaguePositionPublic:
    """The caller's bank's row and rank in the month's league, and how many banks it holds."""
    code = lender_code_of(session, principal)
    place = league.position(session, month=month, lender_code=code)
    refreshed = repository.last_refresh(session)
    return LeaguePositionPublic(
        month=month,
        banks=place.banks,
        refreshed_at=refreshed.made_at if refreshed else None,
        entry=LeagueEntryPublic.of(place.entry) if place.entry else None,
    )
