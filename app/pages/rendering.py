"""Rendering the Chinese pages: the Jinja environment, its filters, and the one ``render``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.accounts.principal import Principal
from app.core.clock import to_local
from app.core.money import fen_to_yuan
from app.enterprises.divisions import district_name
from app.enterprises.industry import SECTIONS
from app.pages import csrf, figures, labels, navigation

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(labels=labels, district_name=district_name, sections=SECTIONS)
templates.env.filters["local"] = lambda t: to_local(t).strftime("%Y-%m-%d %H:%M") if t else "—"
templates.env.filters["yuan"] = lambda f: "—" if f is None else f"{fen_to_yuan(f):,}"
templates.env.filters["wan"] = figures.money
templates.env.filters["figure"] = figures.shown
templates.env.filters["percent"] = lambda x: "—" if x is None else f"{x * 100:.1f}%"


def render(
    request: Request, name: str, viewer: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """The page ``name`` for ``viewer``, with its role's navigation and a CSRF token."""
    token, new_cookie = csrf.token_for(request)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "viewer": viewer,
            "nav": navigation.for_viewer(viewer),
            "here": request.url.path,
            "csrf_token": token,
            **context,
        },
        status_code=status,
    )
    if new_cookie is not None:
        csrf.set_cookie(response, new_cookie)
    return response
