"""The bank's portal (银行) under ``/bank``: leads, loans, products and integration
settings with its dead letters, and the risk-buffer fund."""

from fastapi import APIRouter

from app.pages.routes import (
    bank,
    bank_deliveries,
    bank_fund,
    bank_integration,
    bank_loans,
    bank_products,
)

router = APIRouter()
for module in (bank, bank_loans, bank_products, bank_integration, bank_deliveries, bank_fund):
    router.include_router(module.router)
