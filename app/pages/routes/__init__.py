"""The page routes of every role, gathered into one router."""

from fastapi import APIRouter

from app.pages.routes import account, bank_portal, enterprise, public, registry

router = APIRouter(include_in_schema=False)
for module in (public, account, enterprise, registry, bank_portal):
    router.include_router(module.router)
