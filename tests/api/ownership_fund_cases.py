"""Who may use the risk-buffer fund's office routes and pages: office staff and administrators.

The world's claim on bank A is filed: staff may review or reject it; approving, paying or
writing it off is the wrong step (409), which still shows the route let them in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lenders.loans.dates import today
from tests.api.ownership_world import Case, expect

STAFF = {"admin": 200, "office": 200}
STAFF_CREATE = {"admin": 201, "office": 201}
WRONG_STEP = {"admin": 409, "office": 409}
TO_LOGIN = {"anonymous": 303, "bank_a_key": 303, "bank_b_key": 303}
STAFF_FORM = {"admin": 303, "office": 303}


def terms() -> dict[str, Any]:
    return {"effective_from": today().isoformat(), "allocation_yuan": "1000"}


def sign_form() -> dict[str, str]:
    return {
        "effective_from": today().isoformat(),
        "allocation_yuan": "1000",
        "compensation_ratio_bp": "4000",
        "leverage": "10",
        "enterprise_cap_yuan": "5000000",
        "claim_window_days": "180",
        "suspension_npl_bp": "500",
        "reinstatement_npl_bp": "300",
        "second_approval_above_yuan": "1000000",
        "claimable_from": "substandard",
    }


def small_forecast() -> dict[str, int]:
    """A run small enough that the matrix's many callers stay quick."""
    return {"paths": 100, "horizon_months": 3}


def step(action: str, expected: dict[str, int], body: Any = None) -> Case:
    return Case("POST", f"/api/v1/fund/claims/{{claim}}/{action}", expect(403, **expected), body)


PAGE_STEPS: tuple[tuple[str, dict[str, int], Callable[[], Any] | None], ...] = (
    ("review", STAFF_FORM, None),
    ("approve", WRONG_STEP, None),
    ("reject", STAFF_FORM, lambda: {"reason": "材料不全"}),
    ("pay", WRONG_STEP, None),
    ("write-off", WRONG_STEP, None),
)
FUND_CASES: list[Case] = [
    Case("GET", "/api/v1/fund", expect(403, **STAFF)),
    Case(
        "POST",
        "/api/v1/fund/contributions",
        expect(403, **STAFF_CREATE),
        lambda: {"amount_yuan": "100"},
    ),
    Case("GET", "/api/v1/fund/agreements/{fund_bank}", expect(403, **STAFF)),
    Case("POST", "/api/v1/fund/agreements/{fund_bank}", expect(403, **STAFF_CREATE), terms),
    Case("GET", "/api/v1/fund/claims", expect(403, **STAFF)),
    Case("GET", "/api/v1/fund/claims/{claim}", expect(403, **STAFF)),
    step("review", STAFF),
    step("approve", WRONG_STEP),
    step("reject", STAFF, lambda: {"reason": "材料不全"}),
    step("pay", WRONG_STEP),
    step("write-off", WRONG_STEP),
    Case("GET", "/api/v1/fund/suspensions/{fund_bank}", expect(403, **STAFF)),
    Case("GET", "/api/v1/fund/forecast", expect(403, **STAFF)),
    Case("POST", "/api/v1/fund/forecast", expect(403, **STAFF_CREATE), small_forecast),
    Case(
        "POST",
        "/fund/forecast",
        expect(403, **TO_LOGIN, **STAFF_FORM),
        None,
        page=True,
    ),
    Case("GET", "/fund", expect(403, **TO_LOGIN, **STAFF), page=True),
    Case(
        "POST",
        "/fund/contributions",
        expect(403, **TO_LOGIN, **STAFF_FORM),
        lambda: {"contributor": "office", "amount_yuan": "100", "key": "a" * 32},
        page=True,
    ),
    Case("GET", "/fund/banks/{fund_bank}", expect(403, **TO_LOGIN, **STAFF), page=True),
    Case(
        "POST",
        "/fund/banks/{fund_bank}/agreements",
        expect(403, **TO_LOGIN, **STAFF_FORM),
        sign_form,
        page=True,
    ),
    Case("GET", "/fund/claims", expect(403, **TO_LOGIN, **STAFF), page=True),
    Case("GET", "/fund/claims/{claim}", expect(403, **TO_LOGIN, **STAFF), page=True),
    *(
        Case("POST", f"/fund/claims/{{claim}}/{act}", expect(403, **TO_LOGIN, **done), body, True)
        for act, done, body in PAGE_STEPS
    ),
]
