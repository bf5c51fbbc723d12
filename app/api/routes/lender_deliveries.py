"""A bank's own webhook deliveries: its dead letters (死信) with their attempts, and redelivery.

The staff routes (``/deliveries``) see every bank's; these see only events addressed to the
caller's bank: another bank's event answers exactly as a missing one (404).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from app.api.deps import PageDep, SessionDep
from app.api.owned import Banker, lender_code_of
from app.api.problems import problem_schema
from lenders.delivery import dead_letters
from lenders.delivery.schemas import DeliveriesPublic, DeliveryPublic, OwnDeliveryFilters

router = APIRouter(prefix="/lender/deliveries", tags=["deliveries"])
EventId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    403: problem_schema("forbidden"),
    404: problem_schema("delivery_not_found"),
}


@router.get("", response_model=DeliveriesPublic, responses={403: problem_schema("forbidden")})
def list_own_deliveries(
    session: SessionDep,
    principal: Banker,
    page: PageDep,
    filters: Annotated[OwnDeliveryFilters, Query()],
) -> DeliveriesPublic:
    """The bank's events newest first with their latest attempts; ``status=dead`` for its dead
    letters."""
    rows, total = dead_letters.list_page(
        session,
        status=filters.status,
        lender_code=lender_code_of(session, principal),
        offset=page.offset,
        limit=page.limit,
    )
    return DeliveriesPublic(data=[DeliveryPublic.of(*row) for row in rows], count=total)


@router.get("/{event_id}", response_model=DeliveryPublic, responses=NOT_FOUND)
def read_own_delivery(session: SessionDep, principal: Banker, event_id: EventId) -> DeliveryPublic:
    """One of the bank's events: its delivery state and attempts."""
    code = lender_code_of(session, principal)
    return DeliveryPublic.of(*dead_letters.get(session, event_id=event_id, lender_code=code))


@router.post(
    "/{event_id}/redeliver",
    response_model=DeliveryPublic,
    responses={**NOT_FOUND, 409: problem_schema("delivery_not_dead")},
)
def redeliver_own(session: SessionDep, principal: Banker, event_id: EventId) -> DeliveryPublic:
    """Put one of the bank's dead letters back in line, due now with a new retry window
    (audited, as the staff's redelivery)."""
    code = lender_code_of(session, principal)
    dead_letters.redeliver(session, event_id=event_id, actor=principal, lender_code=code)
    return DeliveryPublic.of(*dead_letters.get(session, event_id=event_id, lender_code=code))
