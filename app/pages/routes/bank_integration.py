"""The bank's portal, part four: its integration settings (对接设置): the webhook URL, its
signing secrets (rotation) and the API keys of its systems, with a link to its dead letters
(``bank_deliveries``).

The same services the API's ``/lender/webhook`` and ``/lenders/{id}/api-keys`` routes call,
always for the signed-in user's own lender: another bank's secret or key is a 404. A new
secret or key is shown on the answering page once and is never stored in the clear.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.principal import Principal
from app.accounts.schemas import ApiKeyCreate
from app.api.deps import SessionDep
from app.api.owned import lender_code_of, lender_id_of
from app.api.params import PathId
from app.core.clock import utcnow
from app.core.errors import DomainError
from app.pages import forms
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.routes.bank import BankViewer, failure
from lenders.delivery import dead_letters, webhooks
from lenders.delivery.schemas import WebhookUpdate

router = APIRouter(prefix="/bank")
HERE = "/bank/integration"


def _page(
    request: Request,
    session: Session,
    viewer: Principal,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, str] | None = None,
    shown_once: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    lender_id = lender_id_of(viewer)
    endpoint = webhooks.get_endpoint(session, lender_id=lender_id)
    secrets = webhooks.list_secrets(session, lender_id=lender_id)
    now = utcnow()
    return render(
        request, "bank/integration.html", viewer, status=status, endpoint=endpoint,
        secrets=[(s, s.is_active(now)) for s in secrets],
        keys=account_service.list_api_keys(session, lender_id=lender_id),
        errors=errors or {}, values=values or {}, shown_once=shown_once or {}, now=now,
        dead_count=dead_letters.dead_count(session, lender_code=lender_code_of(session, viewer)),
    )  # fmt: skip


@router.get("/integration", response_class=HTMLResponse)
def integration(request: Request, session: SessionDep, viewer: BankViewer) -> HTMLResponse:
    return _page(request, session, viewer)


@router.post("/integration/webhook", response_model=None, dependencies=[CsrfChecked])
def set_webhook(
    request: Request,
    session: SessionDep,
    viewer: BankViewer,
    url: Annotated[str, Form()] = "",
) -> Response:
    """回调地址: https to a public address, or blank to pull only (webhooks.set_url)."""
    values: dict[str, Any] = {"url": url.strip() or None}
    data, errors = (
        forms.parse(WebhookUpdate, values) if values["url"] else (WebhookUpdate(url=None), {})
    )
    if data is None:
        return _page(request, session, viewer, errors={"webhook": errors}, values={"url": url},
                     status=422)  # fmt: skip
    try:
        webhooks.set_url(session, lender_id=lender_id_of(viewer), url=data.url, actor=viewer)
    except DomainError as error:
        status, text = failure(session, error)
        return _page(request, session, viewer, errors={"webhook": {"url": text}},
                     values={"url": url}, status=status)  # fmt: skip
    return RedirectResponse(HERE, status_code=303)


@router.post("/integration/secrets", response_model=None, dependencies=[CsrfChecked])
def rotate_secret(request: Request, session: SessionDep, viewer: BankViewer) -> Response:
    """A new signing secret, shown once; the older one still signs until its grace ends."""
    try:
        _row, value = webhooks.create_secret(session, lender_id=lender_id_of(viewer), actor=viewer)
    except DomainError as error:
        status, text = failure(session, error)
        return _page(request, session, viewer, errors={"secrets": {"": text}}, status=status)
    return _page(request, session, viewer, shown_once={"secret": value})


@router.post(
    "/integration/secrets/{secret_id}/retire", response_model=None, dependencies=[CsrfChecked]
)
def retire_secret(
    request: Request, session: SessionDep, viewer: BankViewer, secret_id: PathId
) -> Response:
    """Stop signing with a secret now (webhooks.retire_secret; another bank's: 404)."""
    webhooks.retire_secret(
        session, lender_id=lender_id_of(viewer), secret_id=secret_id, actor=viewer
    )
    return RedirectResponse(HERE, status_code=303)


@router.post("/integration/api-keys", response_model=None, dependencies=[CsrfChecked])
def create_api_key(
    request: Request,
    session: SessionDep,
    viewer: BankViewer,
    name: Annotated[str, Form()] = "",
) -> Response:
    """A key for the bank's systems, shown once (account_service.create_api_key)."""
    data, errors = forms.parse(ApiKeyCreate, {"name": name.strip()})
    if data is None:
        return _page(request, session, viewer, errors={"keys": errors}, values={"name": name},
                     status=422)  # fmt: skip
    _key, value = account_service.create_api_key(
        session, lender_id=lender_id_of(viewer), data=data, actor=viewer
    )
    return _page(request, session, viewer, shown_once={"key": value})


@router.post(
    "/integration/api-keys/{key_id}/revoke", response_model=None, dependencies=[CsrfChecked]
)
def revoke_api_key(
    request: Request, session: SessionDep, viewer: BankViewer, key_id: PathId
) -> Response:
    """Revoke a key at once (account_service.revoke_api_key; another bank's: 404)."""
    account_service.revoke_api_key(
        session, lender_id=lender_id_of(viewer), key_id=key_id, actor=viewer
    )
    return RedirectResponse(HERE, status_code=303)
