"""Pages every signed-in person has: changing its own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts import service as account_service
from app.api.client import client_address
from app.api.deps import SessionDep, reads_first
from app.core import throttle
from app.core.errors import DomainError
from app.pages import messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import SignedIn

router = APIRouter(prefix="/account")


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request, viewer: SignedIn) -> HTMLResponse:
    return render(request, "account/password.html", viewer, errors={})


@router.post("/password", response_model=None, dependencies=[CsrfChecked])
@reads_first  # Argon2 runs before any write: it must not hold SQLite's write lock
def change_password(
    request: Request,
    session: SessionDep,
    viewer: SignedIn,
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
    confirm_password: Annotated[str, Form(max_length=1024)],
) -> Response:
    if new_password != confirm_password:
        errors = {"confirm_password": "两次输入的新密码不一致"}
        return render(request, "account/password.html", viewer, status=422, errors=errors)
    try:
        account_service.change_own_password(
            session,
            viewer,
            current=current_password,
            new=new_password,
            address=client_address(request),
        )
    except throttle.Throttled as error:
        return render(
            request, "account/password.html", viewer, status=429,
            errors={"": error.detail},
        )  # fmt: skip
    except DomainError as error:
        field = str(error.extra.get("field", ""))
        errors = {field: messages.for_error(error)}
        return render(request, "account/password.html", viewer, status=422, errors=errors)
    return render(request, "account/password.html", viewer, errors={}, changed=True)
