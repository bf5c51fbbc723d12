"""The page routes of every role, gathered into one router."""

from fastapi import APIRouter

from app.pages.routes import (
    account,
    admin,
    admin_lenders,
    bank_portal,
    enterprise,
    enterprise_loans,
    models,
    office,
    office_fund,
    office_fund_claims,
    office_monitoring,
    operator,
    public,
    registration,
    registry,
)

router = APIRouter(include_in_schema=False)
for module in (
    public,
    registration,
    account,
    enterprise,
    enterprise_loans,
    registry,
    office,
    office_fund,
    office_fund_claims,
    office_monitoring,
    operator,
    admin,
    admin_lenders,
    models,
    bank_portal,
):
    router.include_router(module.router)
