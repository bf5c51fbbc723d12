"""Reading the audit log (admin only): the API behind the 审计日志 page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from app.api.deps import AdminPrincipal, PageDep, SessionDep
from app.audit import service as audit_service
from app.audit.schemas import NO_CONTROL, AuditFilters
from app.core.errors import InvalidInput

router = APIRouter(tags=["audit"])


class AuditEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    subject_type: str
    subject_id: str
    request_id: str | None
    detail: dict[str, Any]


class AuditEventsPublic(BaseModel):
    data: list[AuditEventPublic]
    count: int


@router.get("/audit-events", response_model=AuditEventsPublic)
def list_events(
    session: SessionDep,
    _: AdminPrincipal,
    page: PageDep,
    actor: Annotated[str | None, Query(max_length=64, pattern=NO_CONTROL)] = None,
    action: Annotated[
        str | None, Query(max_length=64, pattern=NO_CONTROL, description="`user.` for a family")
    ] = None,
    subject_type: Annotated[str | None, Query(max_length=32, pattern=NO_CONTROL)] = None,
    subject_id: Annotated[str | None, Query(max_length=64, pattern=NO_CONTROL)] = None,
    since: Annotated[date | None, Query(description="the city's calendar day, included")] = None,
    until: Annotated[date | None, Query(description="the city's calendar day, included")] = None,
) -> AuditEventsPublic:
    """Events matching every given filter, newest first."""
    if since and until and until < since:
        raise InvalidInput("until is before since")
    filters = AuditFilters(
        actor=actor, action=action, subject_type=subject_type, subject_id=subject_id,
        since=since, until=until,
    )  # fmt: skip
    rows, total = audit_service.search(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    return AuditEventsPublic(data=[AuditEventPublic.model_validate(r) for r in rows], count=total)
