"""The page routes of every role, gathered into one router."""

from fastapi import APIRouter

from app.pages.routes import account, enterprise, public, registration, registry

router = APIRouter(include_in_schema=False)
for module in (public, registration, account, enterprise, registry):
    router.include_router(module.router)
