"""企业注册 (self-registration) through the pages: the enterprise names itself with its code and
legal representative, then proves control by the SMS code or by its business licence.

The registrant's secret (the API returns it to the caller) stays in an HttpOnly cookie scoped
to ``/register``, so only this browser can continue the registration it began.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import registration as registration_service
from app.accounts.models import Registration, VerificationMethod
from app.accounts.schemas import EnterpriseSignup
from app.api.client import client_address
from app.api.deps import SessionDep
from app.core import throttle
from app.core.config import get_settings
from app.core.errors import DomainError
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import Viewer

router = APIRouter(prefix="/register")
COOKIE = "xyd_registration"
FIELDS = ("uscc", "legal_representative", "username", "display_name")


def _held(request: Request) -> tuple[int, str | None]:
    """The registration this browser began, and its secret (0 and None when it began none)."""
    ident, _, token = request.cookies.get(COOKIE, "").partition(".")
    return (int(ident), token) if ident.isdigit() and token else (0, None)


@router.get("", response_class=HTMLResponse)
def signup_form(request: Request, viewer: Viewer) -> HTMLResponse:
    return render(request, "register/start.html", viewer, values={}, errors={})


@router.post("", response_model=None, dependencies=[CsrfChecked])
async def signup(request: Request, session: SessionDep, viewer: Viewer) -> Response:
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in FIELDS}
    if form.get("password") != form.get("confirm_password"):
        errors = {"confirm_password": "两次输入的密码不一致"}
        return render(
            request, "register/start.html", viewer, status=422, values=values, errors=errors
        )
    data, errors = forms.parse(EnterpriseSignup, {**values, "password": form.get("password", "")})
    if data is None:
        return render(
            request, "register/start.html", viewer, status=422, values=values, errors=errors
        )
    try:
        started = registration_service.start_throttled(
            session, data=data, address=client_address(request)
        )
    except DomainError as error:
        return render(
            request,
            "register/start.html",
            viewer,
            status=422,
            values=values,
            errors={"": messages.for_error(error)},
        )
    registration = started.registration
    step = "verify" if registration.method is VerificationMethod.SMS else "licence"
    response = RedirectResponse(f"/register/{step}", status_code=303)
    response.set_cookie(
        COOKIE,
        f"{registration.id}.{started.token}",
        httponly=True,
        samesite="strict",
        secure=not get_settings().is_development,
        path="/register",
        max_age=24 * 3600,
    )
    return response


def _registration(request: Request, session: SessionDep) -> Registration:
    ident, token = _held(request)
    return registration_service.for_registrant(session, registration_id=ident, token=token)


@router.get("/verify", response_class=HTMLResponse)
def code_form(request: Request, session: SessionDep, viewer: Viewer) -> HTMLResponse:
    registration = _registration(request, session)
    return render(request, "register/verify.html", viewer, registration=registration, errors={})


@router.post("/verify", response_model=None, dependencies=[CsrfChecked])
def submit_code(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    code: Annotated[str, Form(max_length=16)],
) -> Response:
    ident, token = _held(request)
    try:
        registration_service.verify_throttled(
            session,
            registration_id=ident,
            token=token,
            code=code.strip(),
            address=client_address(request),
        )
    except DomainError as error:
        registration = _registration(request, session)
        return render(
            request,
            "register/verify.html",
            viewer,
            status=422,
            registration=registration,
            errors={"code": messages.for_error(error)},
        )
    response = render(request, "register/done.html", viewer, active=True)
    response.delete_cookie(COOKIE, path="/register")
    return response


@router.post("/resend", response_model=None, dependencies=[CsrfChecked])
def resend(request: Request, session: SessionDep, viewer: Viewer) -> Response:
    ident, token = _held(request)
    try:
        registration = registration_service.resend_throttled(
            session, registration_id=ident, token=token
        )
    except throttle.Throttled as error:
        registration = _registration(request, session)
        return render(
            request,
            "register/verify.html",
            viewer,
            status=429,
            registration=registration,
            errors={"": error.detail},
        )
    return render(
        request, "register/verify.html", viewer, registration=registration, errors={}, resent=True
    )


@router.get("/licence", response_class=HTMLResponse)
def licence_form(request: Request, session: SessionDep, viewer: Viewer) -> HTMLResponse:
    registration = _registration(request, session)
    return render(request, "register/licence.html", viewer, registration=registration, errors={})


@router.post("/licence", response_model=None, dependencies=[CsrfChecked])
def upload_licence(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    file: Annotated[UploadFile, File()],
) -> Response:
    registration = _registration(request, session)
    # One byte past the limit is enough to refuse; never read a hostile upload whole.
    content = file.file.read(get_settings().registration.licence_max_bytes + 1)
    try:
        registration_service.attach_licence(session, registration=registration, content=content)
    except DomainError as error:
        return render(
            request,
            "register/licence.html",
            viewer,
            status=422,
            registration=registration,
            errors={"file": messages.for_error(error)},
        )
    response = render(request, "register/done.html", viewer, active=False)
    response.delete_cookie(COOKIE, path="/register")
    return response
