"""Who may use the bank's portal pages: only a bank's own people, on their own lender's objects.

Signed-out visitors and bank systems (whose API keys the pages ignore) are sent to sign in;
every other role is refused; bank B reaches none of bank A's leads, loans or products.
"""

from __future__ import annotations

from decimal import Decimal

from tests.api.ownership_world import Case, expect
from tests.factories import product_fields
from tests.lenders.loans import helpers as loans

TO_LOGIN = {"anonymous": 303, "bank_a_key": 303, "bank_b_key": 303}
BANK_LISTS = {"bank_a_user": 200, "bank_b_user": 200}
BANK_A_PAGE = {"bank_a_user": 200, "bank_b_user": 404}
BANK_A_FORM = {"bank_a_user": 303, "bank_b_user": 404}


def page(path: str, people: dict[str, int]) -> Case:
    return Case("GET", path, expect(403, **TO_LOGIN, **people), page=True)


def form(path: str, body: dict[str, str] | None = None, **people: int) -> Case:
    def fields() -> dict[str, str]:
        return dict(body or {})

    return Case("POST", path, expect(403, **TO_LOGIN, **people), fields, page=True)


def product_form() -> dict[str, str]:
    """The product form's fields: the API's product with its rates as percentages."""
    fields = {key: str(value) for key, value in product_fields().items()}
    for end in ("min", "max"):
        fields[f"{end}_rate_percent"] = str(Decimal(fields.pop(f"{end}_rate_bp")) / 100)
    return fields


BANK_PAGE_CASES: list[Case] = [
    page("/bank/leads", BANK_LISTS),
    page("/bank/leads/{lead}", BANK_A_PAGE),
    form("/bank/leads/{lead}/accept", **BANK_A_FORM),
    form("/bank/leads/{lead}/decline", {"reason": "credit_risk"}, **BANK_A_FORM),
    form(
        "/bank/leads/{accepted_lead}/approval",
        {"amount_yuan": "400000.00", "term_months": "12", "rate_percent": "4.00"},
        **BANK_A_FORM,
    ),
    form("/bank/leads/{accepted_lead}/rejection", {"note": "负债率过高"}, **BANK_A_FORM),
    Case(
        "POST",
        "/bank/leads/{approved_lead}/disbursement",
        expect(403, **TO_LOGIN, **BANK_A_FORM),
        loans.disbursement,
        page=True,
    ),
    page("/bank/loans", BANK_LISTS),
    page("/bank/loans/{loan}", BANK_A_PAGE),
    form(
        "/bank/loans/{loan}/repayments",
        {
            "period": loans.days_ago(0).strftime("%Y-%m"),
            "paid_on": loans.days_ago(0).isoformat(),
            "principal_yuan": "1000.00",
            "interest_yuan": "100.00",
        },
        **BANK_A_FORM,
    ),
    form(
        "/bank/loans/{loan}/delinquency",
        {"as_of": loans.days_ago(0).isoformat(), "days_past_due": "3"},
        **BANK_A_FORM,
    ),
    form(
        "/bank/loans/{loan}/default", {"defaulted_on": loans.days_ago(0).isoformat()}, **BANK_A_FORM
    ),
    form(
        "/bank/loans/{defaulted_loan}/recoveries",
        {"recovered_on": loans.days_ago(0).isoformat(), "amount_yuan": "100.00"},
        **BANK_A_FORM,
    ),
    page("/bank/products", BANK_LISTS),
    page("/bank/products/new", BANK_LISTS),
    form("/bank/products", product_form(), bank_a_user=303, bank_b_user=303),
    page("/bank/products/{product}", BANK_A_PAGE),
    form("/bank/products/{product}", product_form(), **BANK_A_FORM),
    form("/bank/products/{product}/retire", {"reason": "下架"}, **BANK_A_FORM),
    page("/bank/integration", BANK_LISTS),
    form(
        "/bank/integration/webhook",
        {"url": "https://xd.example.com/hooks"},
        bank_a_user=303,
        bank_b_user=303,
    ),
    form("/bank/integration/secrets", bank_a_user=200, bank_b_user=200),
    form("/bank/integration/secrets/{secret_a}/retire", **BANK_A_FORM),
    form("/bank/integration/api-keys", {"name": "信贷系统"}, bank_a_user=200, bank_b_user=200),
    form("/bank/integration/api-keys/{key_a}/revoke", **BANK_A_FORM),
    page("/bank/integration/dead-letters", BANK_LISTS),
    form("/bank/integration/dead-letters/{event_a}/redeliver", **BANK_A_FORM),
    # 风险缓释: the bank's own fund page and statements; bank B cannot claim on bank A's loan
    page("/bank/fund", BANK_LISTS),
    page("/bank/fund/statements/{month}", BANK_LISTS),
    form("/bank/loans/{claimable_loan}/claim", {"back": "fund"}, **BANK_A_FORM),
]
