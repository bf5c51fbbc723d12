"""Request id, access log and metrics for every request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from app.core.logging import request_id_var
from app.core.metrics import http_latency, http_requests

log = logging.getLogger("xyd.access")
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware(BaseHTTPMiddleware):
    """Tag the request with an id (the caller's, if sane), then log and measure it."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
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
