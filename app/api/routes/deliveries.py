"""Webhook deliveries for staff: the list (dead letters, 死信, with attempts) and redelivery."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from app.api.deps import OfficePrincipal, PageDep, SessionDep
from app.api.problems import problem_schema
from lenders.delivery import dead_letters
from lenders.delivery.schemas import DeliveriesPublic, DeliveryFilters, DeliveryPublic

router = APIRouter(prefix="/deliveries", tags=["deliveries"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    403: problem_schema("forbidden"),
    404: problem_schema("delivery_not_found"),
}


@router.get("", response_model=DeliveriesPublic, responses={403: problem_schema("forbidden")})
def list_deliveries(
    session: SessionDep,
    _: OfficePrincipal,
    page: PageDep,
    filters: Annotated[DeliveryFilters, Query()],
) -> DeliveriesPublic:
    """Outbox events newest first with their latest attempts; ``status=dead`` for dead letters."""
    rows, total = dead_letters.list_page(
        session,
        status=filters.status,
        lender_code=filters.lender_code,
        offset=page.offset,
        limit=page.limit,
    )
    return DeliveriesPublic(data=[DeliveryPublic.of(*row) for row in rows], count=total)


@router.get("/{event_id}", response_model=DeliveryPublic, responses=NOT_FOUND)
def read_delivery(
    session: SessionDep, _: OfficePrincipal, event_id: Annotated[str, Path(max_length=32)]
) -> DeliveryPublic:
    """One event's delivery state and attempts."""
    return DeliveryPublic.of(*dead_letters.get(session, event_id=event_id))


@router.post(
    "/{event_id}/redeliver",
    response_model=DeliveryPublic,
    responses={**NOT_FOUND, 409: problem_schema("delivery_not_dead")},
)
def redeliver(
    session: SessionDep, principal: OfficePrincipal, event_id: Annotated[str, Path(max_length=32)]
) -> DeliveryPublic:
    """Put a dead letter back in line, due now with a new retry window (audited)."""
    dead_letters.redeliver(session, event_id=event_id, actor=principal)
    return DeliveryPublic.of(*dead_letters.get(session, event_id=event_id))
