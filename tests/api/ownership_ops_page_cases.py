"""Who may use the finance office's, data operators' and administrators' pages."""

from __future__ import annotations

import itertools

from tests.api.ownership_world import Case, expect, new_user, tax_grade_file

# Signed-out visitors and bank systems (whose keys the pages ignore) are sent to sign in.
TO_LOGIN = {"anonymous": 303, "bank_a_key": 303, "bank_b_key": 303}
OFFICE = {"admin": 200, "office": 200}
# the world has no whitelist version: staff are told so, everyone else is refused first
NO_VERSION = {"admin": 404, "office": 404}
OPERATORS = {"admin": 200, "operator": 200}
_lender_codes = itertools.count(1)


def new_lender() -> dict[str, str]:
    return {"code": f"matrix-bank-{next(_lender_codes)}", "name": "矩阵测试银行"}


OPS_PAGE_CASES: list[Case] = [
    Case("GET", "/whitelist/policy", expect(403, **TO_LOGIN, **OFFICE), page=True),
    Case(
        "POST",
        "/whitelist/policy",
        expect(403, **TO_LOGIN, admin=303, office=303),
        lambda: {
            "min_operating_months": "12",
            "allowed_grades": ["A", "B"],
            "demand_window_days": "60",
            "note": "矩阵测试",
        },
        page=True,
    ),
    # no champion in this world: the refresh is allowed but has nothing to judge with
    Case("POST", "/whitelist/refresh", expect(403, **TO_LOGIN, **NO_VERSION), page=True),
    Case("GET", "/whitelist/versions", expect(403, **TO_LOGIN, **OFFICE), page=True),
    Case("GET", "/whitelist/versions/{version}", expect(403, **TO_LOGIN, **NO_VERSION), page=True),
    Case(
        "GET",
        "/whitelist/versions/{version}/members",
        expect(403, **TO_LOGIN, **NO_VERSION),
        page=True,
    ),
    Case("GET", "/batches", expect(403, **TO_LOGIN, **OPERATORS), page=True),
    Case(
        "POST",
        "/batches",
        expect(403, **TO_LOGIN, admin=303, operator=303),
        files=tax_grade_file,
        page=True,
    ),
    Case("GET", "/batches/{batch}", expect(403, **TO_LOGIN, **OPERATORS), page=True),
    Case("GET", "/uscc-reviews", expect(403, **TO_LOGIN, **OPERATORS), page=True),
    Case("GET", "/uscc-reviews/{review}", expect(403, **TO_LOGIN, **OPERATORS), page=True),
    Case(
        "POST",
        "/uscc-reviews/{review}/decision",
        expect(403, **TO_LOGIN, admin=303, operator=303),
        lambda: {"accept": "false", "note": "代码有误"},
        page=True,
    ),
    Case("GET", "/admin/users", expect(403, **TO_LOGIN, admin=200), page=True),
    Case("GET", "/admin/users/new", expect(403, **TO_LOGIN, admin=200), page=True),
    Case("POST", "/admin/users", expect(403, **TO_LOGIN, admin=303), new_user, page=True),
    Case(
        "POST",
        "/admin/users/{firm_1_user}/active",
        expect(403, **TO_LOGIN, admin=303),
        lambda: {"is_active": "false"},
        page=True,
    ),
    Case(
        "POST",
        "/admin/users/{firm_1_user}/password-reset",
        expect(403, **TO_LOGIN, admin=200),
        page=True,
    ),
    Case("GET", "/admin/audit", expect(403, **TO_LOGIN, admin=200), page=True),
    Case("GET", "/admin/lenders", expect(403, **TO_LOGIN, admin=200), page=True),
    Case("POST", "/admin/lenders", expect(403, **TO_LOGIN, admin=303), new_lender, page=True),
    Case("GET", "/admin/lenders/{bank_a}", expect(403, **TO_LOGIN, admin=200), page=True),
    Case(
        "POST",
        "/admin/lenders/{bank_a}/api-keys",
        expect(403, **TO_LOGIN, admin=200),
        lambda: {"name": "矩阵测试密钥"},
        page=True,
    ),
    Case(
        "POST",
        "/admin/lenders/{bank_a}/api-keys/{key_a}/revoke",
        expect(403, **TO_LOGIN, admin=303),
        page=True,
    ),
    # bank A's key named under bank B: as if it did not exist
    Case(
        "POST",
        "/admin/lenders/{bank_b}/api-keys/{key_a}/revoke",
        expect(403, **TO_LOGIN, admin=404),
        page=True,
    ),
    # the API behind the audit page
    Case("GET", "/api/v1/audit-events", expect(403, admin=200)),
]
