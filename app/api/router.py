"""All HTTP API routes under /api/v1."""

from fastapi import APIRouter

from app.api.routes import (
    applications,
    auth,
    batches,
    consent,
    deliveries,
    enterprises,
    lenders,
    models,
    products,
    scores,
    users,
    webhooks,
    whitelist,
)

api_router = APIRouter(prefix="/api/v1")
for module in (
    auth,
    users,
    lenders,
    enterprises,
    batches,
    models,
    scores,
    applications,
    consent,
    whitelist,
    products,
    webhooks,
    deliveries,
):
    api_router.include_router(module.router)
