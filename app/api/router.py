"""All HTTP API routes under /api/v1."""

from fastapi import APIRouter

from app.api.routes import (
    applications,
    audit,
    auth,
    batches,
    consent,
    deliveries,
    enterprises,
    fund,
    fund_statements,
    leads,
    lender_deliveries,
    lender_fund,
    lender_league,
    lenders,
    loans,
    models,
    monitoring,
    monitoring_exports,
    products,
    registrations,
    scores,
    users,
    webhooks,
    whitelist,
)

api_router = APIRouter(prefix="/api/v1")
for module in (
    auth,
    registrations,
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
    leads,
    loans,
    fund,
    webhooks,
    lender_deliveries,
    lender_fund,
    lender_league,
    fund_statements,
    deliveries,
    audit,
    monitoring,
    monitoring_exports,
):
    api_router.include_router(module.router)
