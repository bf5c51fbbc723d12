"""The bank's portal (银行) under ``/bank``: leads, loans, products and integration settings."""

from fastapi import APIRouter

from app.pages.routes import bank, bank_integration, bank_loans, bank_products

router = APIRouter()
for module in (bank, bank_loans, bank_products, bank_integration):
    router.include_router(module.router)
