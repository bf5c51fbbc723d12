"""The page routes of every role, gathered into one router."""

from fastapi import APIRouter

from app.pages.routes import (
    account,
    bank,
    bank_integration,
    bank_loans,
    bank_products,
    enterprise,
    public,
    registry,
)

router = APIRouter(include_in_schema=False)
for module in (
    public,
    account,
    enterprise,
    registry,
    bank,
    bank_loans,
    bank_products,
    bank_integration,
):
    router.include_router(module.router)
