"""A bank's portal world: bank A's officer signed in, its leads, and bank B's for contrast."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.enterprises.models import Enterprise
from lenders.institutions.models import Lender
from lenders.leads.models import Lead
from lenders.products.models import LoanProduct
from tests.factories import (
    make_application,
    make_authorization,
    make_enterprise,
    make_lead,
    make_lender,
    make_product,
    make_user,
)
from tests.pages.helpers import form_token, sign_in


@dataclass
class Banks:
    bank: Lender
    other: Lender
    officer: User
    firm: Enterprise
    product: LoanProduct
    other_product: LoanProduct

    def lead(self, db: Session, *, accept: bool = False, other_bank: bool = False) -> Lead:
        """A lead of a new application of the firm, to bank A (or B), offered or accepted."""
        lender = self.other if other_bank else self.bank
        product = self.other_product if other_bank else self.product
        lead = make_lead(db, make_application(db, self.firm), product, lender, accept=accept)
        db.commit()
        return lead


def banks(db: Session, client: TestClient) -> Banks:
    bank, other = make_lender(db), make_lender(db)
    firm = make_enterprise(db, name="湖州恒兴机械有限公司")
    make_authorization(db, firm.uscc, lender_codes=[bank.code, other.code])
    officer = make_user(db, Role.LENDER_USER, lender_id=bank.id, display_name="信贷员小李")
    world = Banks(
        bank=bank, other=other, officer=officer, firm=firm,
        product=make_product(db, bank), other_product=make_product(db, other),
    )  # fmt: skip
    db.commit()
    sign_in(client, officer)
    return world


def post(client: TestClient, path: str, data: dict[str, str], *, form: str) -> httpx.Response:
    return client.post(
        path, data={**data, "csrf_token": form_token(client, form)}, follow_redirects=False
    )
