"""Request id, access log and metrics for every request, and the answer to an unhandled error."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api import problems
from app.core.logging import request_id_var
from app.core.metrics import http_latency, http_requests

log = logging.getLogger("xyd.access")
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Tag the request with an id (the caller's, if sane), then log and measure it.

    An exception no handler took is answered here, while the request id is still set: Starlette
    would otherwise answer it outside every user middleware, after the id is gone.
    """

    def __init__(
        self, app: ASGIApp, *, on_unexpected: Callable[[Request], ASGIApp] | None = None
    ) -> None:
        self.app = app
        # The pages answer their own 500s in Chinese (app.pages.errors); the API by default.
        self.on_unexpected = on_unexpected or problems.internal_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        answered: dict[str, int] = {}

        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_tagged)
        except Exception:
            problems.log_unexpected(request)
            if "status" in answered:
                raise  # the answer had begun: nothing sensible can follow it
            await self.on_unexpected(request)(scope, receive, send_tagged)
        finally:
            elapsed = time.perf_counter() - started
            status = answered.get("status", 500)
            route = _route_template(request)
            http_requests.labels(request.method, route, str(status)).inc()
            http_latency.labels(request.method, route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route,
                    "path": request.url.path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    if route is None:
        # Unmatched paths share one label so scanners cannot blow up the metric's cardinality.
        return "<unmatched>"
    return full_paths(request.app).get(id(route)) or str(getattr(route, "path", "<unmatched>"))


def full_paths(app: Any) -> dict[int, str]:
    """Each route object's full path template, prefixes of included routers included."""
    cached: dict[int, str] | None = getattr(app.state, "route_paths", None)
    if cached is None:
        cached = {
            id(context.original_route): context.path
            for context in iter_route_contexts(app.routes)
            if context.path
        }
        app.state.route_paths = cached
    return cached
