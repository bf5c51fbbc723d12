"""Who may use the pages: a person's session cookie, never an API key; forms carry CSRF tokens."""

from __future__ import annotations

from tests.api.ownership_world import Case, expect

# Signed-out visitors and bank systems (whose keys the pages ignore) are sent to sign in.
TO_LOGIN = {"anonymous": 303, "bank_a_key": 303, "bank_b_key": 303}
ENTERPRISES = {"firm_1": 200, "firm_2": 200}
FIRM_1_ONLY = {"firm_1": 200, "firm_2": 404}


def application_form() -> dict[str, str]:
    return {
        "amount_yuan": "300000.00",
        "term_months": "12",
        "purpose": "采购原材料",
        "product_type": "credit",
    }


PAGE_CASES: list[Case] = [
    Case("GET", "/me", expect(403, **TO_LOGIN, **ENTERPRISES), page=True),
    Case("GET", "/me/applications", expect(403, **TO_LOGIN, **ENTERPRISES), page=True),
    Case("GET", "/me/applications/new", expect(403, **TO_LOGIN, **ENTERPRISES), page=True),
    Case(
        "POST",
        "/me/applications",
        expect(403, **TO_LOGIN, firm_1=303, firm_2=303),
        application_form,
        page=True,
    ),
    Case(
        "GET", "/me/applications/{application}", expect(403, **TO_LOGIN, **FIRM_1_ONLY), page=True
    ),
    Case(
        "POST",
        "/me/applications/{application}/withdraw",
        expect(403, **TO_LOGIN, firm_1=303, firm_2=404),
        lambda: {"reason": "不再需要"},
        page=True,
    ),
    Case("GET", "/me/consents", expect(403, **TO_LOGIN, **ENTERPRISES), page=True),
    Case(
        "POST",
        "/me/consents",
        expect(403, **TO_LOGIN, firm_1=303, firm_2=303),
        lambda: {"scope": "assessment"},
        page=True,
    ),
    Case(
        "POST",
        "/me/consents/{authorization}/revoke",
        expect(403, **TO_LOGIN, firm_1=303, firm_2=404),
        lambda: {"reason": "不再共享"},
        page=True,
    ),
    Case("GET", "/me/products", expect(403, **TO_LOGIN, **ENTERPRISES), page=True),
    Case("GET", "/me/data-access", expect(403, **TO_LOGIN, **ENTERPRISES), page=True),
    Case("GET", "/me/loans", expect(403, **TO_LOGIN, **ENTERPRISES), page=True),
    Case("GET", "/me/loans/{loan}", expect(403, **TO_LOGIN, **FIRM_1_ONLY), page=True),
]

# The model registry's pages: the office and admin read, only the admin promotes.
MODEL_PAGE_CASES: list[Case] = [
    Case("GET", "/models", expect(403, **TO_LOGIN, office=200, admin=200), page=True),
    Case("GET", "/models/{model}", expect(403, **TO_LOGIN, office=200, admin=200), page=True),
    Case("POST", "/models/{model}/promote", expect(403, **TO_LOGIN, admin=303), page=True),
]
PAGE_CASES += MODEL_PAGE_CASES
