"""A small market for matching and lead tests: one whitelisted applicant and three banks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from app.applications.models import FinancingApplication
from app.audit.service import SystemActor
from app.enterprises.models import Enterprise
from lenders.institutions.models import Lender
from lenders.products.models import LoanProduct
from tests.factories import make_authorization, make_lender, make_product
from whitelist.refresh import refresh

ACTOR = SystemActor("test")
# Equal but for price, the banks rank by rate: the second first, then the first, then the third.
RATES = (400, 380, 450)


@dataclass
class Market:
    firm: Enterprise
    application: FinancingApplication
    banks: list[Lender]
    products: list[LoanProduct]

    def bank(self, code: str) -> Lender:
        return next(b for b in self.banks if b.code == code)


@pytest.fixture
def market(db: Session, qualified: Callable[..., Enterprise]) -> Market:
    """A grade-A member with a submitted application and a matched-banks grant; three banks."""
    firm = qualified(consents=False)
    make_authorization(db, firm.uscc, scope="matched_banks")
    banks = [make_lender(db) for _ in RATES]
    products = [
        make_product(db, bank, min_rate_bp=rate) for bank, rate in zip(banks, RATES, strict=True)
    ]
    refresh(db, actor=ACTOR)
    application = db.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == firm.uscc)
    ).one()
    return Market(firm=firm, application=application, banks=banks, products=products)
