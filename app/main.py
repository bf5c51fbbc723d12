"""The ASGI application factory: ``uvicorn --factory app.main:create_app`` or ``xyd serve``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from app.api import docs, problems
from app.api.browser import CrossSiteWriteGuard, SecurityHeadersMiddleware
from app.api.deps import SESSION_COOKIE
from app.api.middleware import RequestContextMiddleware
from app.api.router import api_router
from app.api.routes import operations
from app.core.config import get_settings
from app.core.logging import configure_logging
from app.core.taskqueue import configure_celery
from app.pages import errors as page_errors
from app.pages.rendering import STATIC_DIR
from app.pages.routes import router as pages_router

DESCRIPTION = """
信易贷 connects small and micro enterprises (小微企业) with bank credit: public credit data becomes
scores, a whitelist (白名单) of creditworthy firms that need funds goes to banks as leads, and the
city's finance office (金融办) watches the results.

People sign in with **Authorize** (OAuth2 password flow); bank systems send `X-API-Key`.
Errors are `application/problem+json` with a stable `code`.
"""


def create_app() -> FastAPI:
    """Build the application from the current settings."""
    settings = get_settings()
    configure_logging(level=settings.log.level, json_lines=settings.log.json_lines)
    configure_celery()
    app = FastAPI(
        title="信易贷 xinyidai",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,  # served by app.api.docs from vendored files, not a CDN
        redoc_url=None,
    )
    app.add_middleware(CrossSiteWriteGuard, cookie=SESSION_COOKIE)
    app.add_middleware(RequestContextMiddleware, on_unexpected=page_errors.internal_error)
    problems.install(app)
    page_errors.install(app)
    _headers_on_every_response(app, hsts=not settings.is_development)
    app.include_router(docs.router)
    app.include_router(operations.router)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _headers_on_every_response(app: FastAPI, *, hsts: bool) -> None:
    # Wrap the whole stack, Starlette's error middleware included, so a 500 gets them too.
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(build(), hsts=hsts)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
