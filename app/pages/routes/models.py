"""模型管理 (the model registry): the versions with their cards for the office and admin, and
the audited promotion of a champion for the admin, through the registry service the API
routes (``app/api/routes/models.py``) call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import SessionDep
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required
from scoring.registry import service as registry_service

router = APIRouter(prefix="/models")
ModelReader = Annotated[
    Principal,
    Depends(role_required(Role.OFFICE, Role.ADMIN, refusal="只有金融办和管理员可以查看评分模型")),
]
ModelAdmin = Annotated[
    Principal, Depends(role_required(Role.ADMIN, refusal="只有管理员可以启用评分模型"))
]


@router.get("", response_class=HTMLResponse)
def models(request: Request, session: SessionDep, viewer: ModelReader) -> HTMLResponse:
    rows = registry_service.list_all(session)
    return render(request, "models/list.html", viewer, rows=rows)


@router.get("/{name}", response_class=HTMLResponse)
def model(request: Request, session: SessionDep, viewer: ModelReader, name: str) -> HTMLResponse:
    version = registry_service.get(session, name=name)
    return render(request, "models/detail.html", viewer, m=version)


@router.post("/{name}/promote", response_model=None, dependencies=[CsrfChecked])
def promote(session: SessionDep, viewer: ModelAdmin, name: str) -> Response:
    """The admin makes this version the champion; the previous one steps down (audited)."""
    registry_service.promote(session, name=name, actor=viewer)
    return RedirectResponse(f"/models/{name}", status_code=303)
