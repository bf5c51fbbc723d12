"""Health, metrics, and the admin's end-to-end probe of background work."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field

from app.api.deps import AdminPrincipal, SessionDep
from app.api.problems import problem
from app.core.health import check_broker, check_database
from app.core.metrics import registry
from app.ops import service as ops_service

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=None)
def healthz(request: Request) -> Any:
    """Database and (when configured) broker reachability; 503 when either is down."""
    checks = {"database": check_database()}
    broker = check_broker()
    if broker is not None:
        checks["broker"] = broker
    failed = {name: result for name, result in checks.items() if result != "ok"}
    if failed:
        return problem(
            status=503,
            code="unhealthy",
            title="Service Unavailable",
            detail="; ".join(f"{name}: {why}" for name, why in failed.items()),
            request=request,
            checks=checks,
        )
    return JSONResponse({"status": "ok", "checks": checks})


@router.get("/metrics", response_class=PlainTextResponse)
def metrics() -> PlainTextResponse:
    """Prometheus exposition: request counts and latencies by route."""
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class ProbeRequest(BaseModel):
    hold_seconds: float = Field(default=0.0, ge=0, le=600)


class ProbePublic(BaseModel):
    probe_id: str
    attempts: int
    runs: int


@router.post("/api/v1/ops/probes", response_model=ProbePublic, status_code=202)
def send_probe(
    session: SessionDep,
    _: AdminPrincipal,
    data: Annotated[ProbeRequest, Body()] = ProbeRequest(),
) -> ProbePublic:
    """Send a probe task; it runs after this request commits."""
    probe_id = ops_service.request_probe(session, hold_seconds=data.hold_seconds)
    return ProbePublic(probe_id=probe_id, attempts=0, runs=0)


@router.get("/api/v1/ops/probes/{probe_id}", response_model=ProbePublic)
def read_probe(session: SessionDep, _: AdminPrincipal, probe_id: str) -> ProbePublic:
    """How often the probe started and how often its effect was written (must be 0 or 1)."""
    status = ops_service.status(session, probe_id=probe_id)
    return ProbePublic(probe_id=probe_id, attempts=status.attempts, runs=status.runs)
