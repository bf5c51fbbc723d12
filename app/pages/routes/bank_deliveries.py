"""The bank's portal, part five: its dead letters (死信), events its webhook did not take in
time, and redelivery (重新投递); a sub-page of the integration settings.

The same service as the API's ``/lender/deliveries`` routes (``lenders.delivery.dead_letters``)
with the signed-in user's own lender code: another bank's event is a 404, as a missing one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.api.owned import lender_code_of
from app.core.errors import DomainError
from app.outbox.models import DeliveryStatus
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.routes.bank import BankViewer, failure
from lenders.delivery import dead_letters
from lenders.leads.models import LEAD_STATUS_LABELS, LeadStatus

router = APIRouter(prefix="/bank")
HERE = "/bank/integration/dead-letters"
EventId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
TOPIC_LABELS = {
    "lead.created": "新推荐线索",
    "lead.decision_overdue": "审批超时提醒",
    "whitelist.exited": "企业退出白名单",
}


def topic_label(topic: str) -> str:
    """The event type in words: ``lead.accepted`` is 线索状态：已受理."""
    if topic in TOPIC_LABELS:
        return TOPIC_LABELS[topic]
    status = topic.removeprefix("lead.")
    if status in LeadStatus.__members__.values():
        return f"线索状态：{LEAD_STATUS_LABELS[LeadStatus(status)]}"
    return topic


def _page(
    request: Request,
    session: Session,
    viewer: Principal,
    page: PageDep,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows, total = dead_letters.list_page(
        session, status=DeliveryStatus.DEAD, lender_code=lender_code_of(session, viewer),
        offset=page.offset, limit=page.limit,
    )  # fmt: skip
    return render(
        request, "bank/dead_letters.html", viewer, status=status, rows=rows, total=total,
        page=page, topic_label=topic_label, errors={"": error} if error else {},
        redelivered=request.query_params.get("redelivered") == "1",
    )  # fmt: skip


@router.get("/integration/dead-letters", response_class=HTMLResponse)
def dead_letter_list(
    request: Request, session: SessionDep, viewer: BankViewer, page: PageDep
) -> HTMLResponse:
    """死信: the bank's events that gave up, newest first, with attempts and the last error."""
    return _page(request, session, viewer, page)


@router.post(
    "/integration/dead-letters/{event_id}/redeliver",
    response_model=None,
    dependencies=[CsrfChecked],
)
def redeliver(
    request: Request, session: SessionDep, viewer: BankViewer, page: PageDep, event_id: EventId
) -> Response:
    """重新投递: back in line, due now (dead_letters.redeliver, audited, as the API)."""
    code = lender_code_of(session, viewer)
    try:
        dead_letters.redeliver(session, event_id=event_id, actor=viewer, lender_code=code)
    except DomainError as error:
        status, text = failure(session, error)
        if status == 404:
            raise
        return _page(request, session, viewer, page, error=text, status=status)
    return RedirectResponse(f"{HERE}?redelivered=1", status_code=303)
