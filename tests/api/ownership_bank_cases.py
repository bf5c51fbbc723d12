"""Who may call the banks' side: products, leads, loans, webhooks, events and deliveries."""

from __future__ import annotations

from tests.api.ownership_world import ANY_BANK, BANK_A_PRODUCT, BANK_A_REPORTS, OWN, Case, expect
from tests.factories import (
    product_fields,
)
from tests.lenders.loans import helpers as loans

BANK_CASES: list[Case] = [
    Case("POST", "/api/v1/lender/products", expect(403, **ANY_BANK), product_fields),
    Case(
        "GET",
        "/api/v1/lender/products",
        expect(403, admin=200, **dict.fromkeys(ANY_BANK, 200)),
    ),
    Case("GET", "/api/v1/lender/products/{product}", expect(403, admin=200, **BANK_A_PRODUCT)),
    Case(
        "PATCH",
        "/api/v1/lender/products/{product}",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"description": "新的介绍"},
    ),
    Case(
        "POST",
        "/api/v1/lender/products/{product}/retire",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"reason": "下架"},
    ),
    # the product supermarket is open to everyone; a retired product only to its bank and staff
    Case("GET", "/api/v1/products", expect(200, anonymous=200)),
    Case("GET", "/api/v1/products/{product}", expect(200, anonymous=200)),
    Case(
        "GET",
        "/api/v1/products/{retired_product}",
        expect(404, anonymous=404, admin=200, office=200, bank_a_user=200, bank_a_key=200),
    ),
    Case("GET", "/api/v1/lender/leads", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case("GET", "/api/v1/lender/leads/{lead}", expect(403, **BANK_A_PRODUCT)),
    Case("POST", "/api/v1/lender/leads/{lead}/accept", expect(403, **BANK_A_PRODUCT)),
    Case(
        "POST",
        "/api/v1/lender/leads/{lead}/decline",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"reason": "credit_risk"},
    ),
    Case(
        "POST",
        "/api/v1/lender/leads/{accepted_lead}/approval",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"amount_yuan": "400000.00", "rate_bp": 400, "term_months": 12},
    ),
    Case(
        "POST",
        "/api/v1/lender/leads/{accepted_lead}/rejection",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"note": "负债率过高"},
    ),
    Case("GET", "/api/v1/leads", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/leads/{lead}", expect(403, admin=200, office=200)),
    Case(
        "GET",
        "/api/v1/applications/{application}/leads",
        expect(403, admin=200, office=200, **OWN),
    ),
    Case(
        "GET",
        "/api/v1/applications/{application}/matches",
        expect(403, admin=200, office=200, **OWN),
    ),
    Case(
        "POST",
        "/api/v1/lender/leads/{approved_lead}/disbursement",
        expect(403, **BANK_A_REPORTS),
        loans.disbursement,
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{loan}/repayments",
        expect(403, **BANK_A_REPORTS),
        lambda: {
            "period": loans.days_ago(0).strftime("%Y-%m"),
            "paid_on": loans.days_ago(0).isoformat(),
            "principal_yuan": "1000.00",
            "interest_yuan": "100.00",
        },
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{loan}/delinquency",
        expect(403, **BANK_A_REPORTS),
        lambda: {"as_of": loans.days_ago(0).isoformat(), "days_past_due": 3},
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{loan}/default",
        expect(403, **BANK_A_PRODUCT),
        lambda: {"defaulted_on": loans.days_ago(0).isoformat()},
    ),
    Case(
        "POST",
        "/api/v1/lender/loans/{defaulted_loan}/recoveries",
        expect(403, **BANK_A_REPORTS),
        lambda: {"recovered_on": loans.days_ago(0).isoformat(), "amount_yuan": "100.00"},
    ),
    Case("GET", "/api/v1/lender/loans", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case("GET", "/api/v1/lender/loans/{loan}", expect(403, **BANK_A_PRODUCT)),
    Case("GET", "/api/v1/loans", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/enterprises/{firm_1}/loans", expect(403, admin=200, office=200, **OWN)),
    Case(
        "GET",
        "/api/v1/enterprises/{firm_1}/loans/{loan}",
        expect(403, admin=200, office=200, **OWN),
    ),
    # firm 2 reads its own loans, but firm 1's loan is not among them
    Case(
        "GET",
        "/api/v1/enterprises/{firm_2}/loans/{loan}",
        expect(403, admin=404, office=404, firm_1=404, firm_2=404),
    ),
    Case("GET", "/api/v1/enterprises/{firm_1}/leads", expect(403, admin=200, office=200, **OWN)),
    # a bank's webhook and events feed: only the bank's own people and systems
    Case("GET", "/api/v1/lender/webhook", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case(
        "PUT",
        "/api/v1/lender/webhook",
        expect(403, **dict.fromkeys(ANY_BANK, 200)),
        lambda: {"url": "https://hooks.bank.example.com/xyd"},
    ),
    Case("POST", "/api/v1/lender/webhook/secrets", expect(403, **ANY_BANK)),
    Case(
        "DELETE",
        "/api/v1/lender/webhook/secrets/{secret_a}",
        expect(403, bank_a_user=200, bank_a_key=200, bank_b_user=404, bank_b_key=404),
    ),
    Case("GET", "/api/v1/lender/events", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    # a bank's own deliveries and dead letters: its people and systems; bank B is told of none
    Case("GET", "/api/v1/lender/deliveries", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case("GET", "/api/v1/lender/deliveries/{event_a}", expect(403, **BANK_A_PRODUCT)),
    Case("POST", "/api/v1/lender/deliveries/{event_a}/redeliver", expect(403, **BANK_A_PRODUCT)),
    # deliveries and dead letters (死信): office and admin
    Case("GET", "/api/v1/deliveries", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/deliveries/{event_a}", expect(403, admin=200, office=200)),
    Case("POST", "/api/v1/deliveries/{event_a}/redeliver", expect(403, admin=200, office=200)),
    # the bank's side of the fund: its own standing, covers, claims and statements; bank B is
    # told bank A's loans and claims do not exist
    # a bank's own place in the office's league table (the office reads the whole table)
    Case("GET", "/api/v1/lender/league?month=2026-11", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case("GET", "/api/v1/lender/fund", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case("GET", "/api/v1/lender/fund/covers", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case(
        "POST",
        "/api/v1/lender/fund/covers",
        expect(403, **BANK_A_REPORTS),
        body_of=lambda ids: {"loan_id": ids["loan"]},
    ),
    Case("GET", "/api/v1/lender/fund/claims", expect(403, **dict.fromkeys(ANY_BANK, 200))),
    Case(
        "POST",
        "/api/v1/lender/fund/claims",
        expect(403, **BANK_A_REPORTS),
        body_of=lambda ids: {"loan_id": ids["claimable_loan"]},
    ),
    Case("GET", "/api/v1/lender/fund/claims/{fund_claim}", expect(403, **BANK_A_PRODUCT)),
    Case(
        "GET",
        "/api/v1/lender/fund/statements/{month}",
        expect(403, **dict.fromkeys(ANY_BANK, 200)),
    ),
    # any bank's statement: the office and admin
    Case(
        "GET",
        "/api/v1/fund/statements/{bank_a_code}/{month}",
        expect(403, admin=200, office=200),
    ),
]
