"""Who may call the platform's own routes: accounts, registry, data, models, consent, whitelist."""

from __future__ import annotations

from tests.api.ownership_world import (
    FIRM_1_DATA,
    KEY_ADMIN,
    LENDER_VIEW,
    OWN,
    REGISTRY,
    Case,
    expect,
    new_enterprise,
    new_lender,
    new_user,
    tax_grade_file,
)
from tests.factories import (
    application_fields,
)

PLATFORM_CASES: list[Case] = [
    # The registrant's own routes need the secret the registration returned: nobody's sign-in
    # counts, so without it every caller is told the registration does not exist.
    Case(
        "POST",
        "/api/v1/auth/registrations/{registration}/verify",
        expect(404, anonymous=404),
        lambda: {"code": "123456"},
    ),
    Case("POST", "/api/v1/auth/registrations/{registration}/resend", expect(404, anonymous=404)),
    Case(
        "POST",
        "/api/v1/auth/registrations/{registration}/licence",
        expect(404, anonymous=404),
        files=lambda: {"file": ("l.pdf", b"%PDF-1.4 x")},
    ),
    Case("GET", "/api/v1/registrations", expect(403, admin=200, operator=200)),
    Case(
        "GET", "/api/v1/registrations/{registration}/licence", expect(403, admin=200, operator=200)
    ),
    Case(
        "POST",
        "/api/v1/registrations/{registration}/decision",
        expect(403, admin=200, operator=200),
        lambda: {"approve": True, "note": "执照核对无误"},
    ),
    Case("GET", "/api/v1/users", expect(403, admin=200)),
    Case("POST", "/api/v1/users", expect(403, admin=201), new_user),
    Case("GET", "/api/v1/users/{firm_1_user}", expect(403, admin=200)),
    Case(
        "PATCH",
        "/api/v1/users/{firm_1_user}",
        expect(403, admin=200),
        lambda: {"display_name": "改名"},
    ),
    Case("POST", "/api/v1/users/{firm_1_user}/password-reset", expect(403, admin=200)),
    Case("GET", "/api/v1/lenders", expect(403, admin=200, office=200)),
    Case("POST", "/api/v1/lenders", expect(403, admin=201), new_lender),
    Case("GET", "/api/v1/lenders/{bank_a}", expect(403, **LENDER_VIEW)),
    Case("GET", "/api/v1/lenders/{bank_a}/api-keys", expect(403, **KEY_ADMIN)),
    Case(
        "POST",
        "/api/v1/lenders/{bank_a}/api-keys",
        expect(403, admin=201, bank_a_user=201, bank_b_user=404),
        lambda: {"name": "k"},
    ),
    Case("DELETE", "/api/v1/lenders/{bank_a}/api-keys/{key_a}", expect(403, **KEY_ADMIN)),
    Case("GET", "/api/v1/enterprises", expect(403, **REGISTRY)),
    Case(
        "POST",
        "/api/v1/enterprises",
        expect(403, admin=201, office=201, operator=201),
        new_enterprise,
    ),
    Case("GET", "/api/v1/enterprises/{firm_1}", expect(403, **FIRM_1_DATA)),
    Case("GET", "/api/v1/uscc-reviews", expect(403, admin=200, operator=200)),
    Case("GET", "/api/v1/uscc-reviews/{review}", expect(403, admin=200, operator=200)),
    Case(
        "POST",
        "/api/v1/uscc-reviews/{review}/decision",
        expect(403, admin=200, operator=200),
        lambda: {"accept": False, "note": "核对"},
    ),
    Case("POST", "/api/v1/ops/probes", expect(403, admin=202), lambda: {}),
    Case("GET", "/api/v1/enterprises/{firm_1}/score", expect(403, **FIRM_1_DATA)),
    Case(
        "POST",
        "/api/v1/enterprises/{firm_1}/authorizations",
        expect(403, firm_1=201, firm_2=404),
        lambda: {"scope": "assessment"},
    ),
    Case(
        "GET",
        "/api/v1/enterprises/{firm_1}/authorizations",
        expect(403, admin=200, office=200, **OWN),
    ),
    Case(
        "POST",
        "/api/v1/enterprises/{firm_1}/authorizations/{authorization}/revoke",
        expect(403, **OWN),
        lambda: {"reason": "不再共享"},
    ),
    Case(
        "GET", "/api/v1/enterprises/{firm_1}/data-access", expect(403, admin=200, office=200, **OWN)
    ),
    Case(
        "GET", "/api/v1/enterprises/{firm_1}/whitelist", expect(403, admin=200, office=200, **OWN)
    ),
    # each firm's own data freshness, named by its session: no other role has one
    Case("GET", "/api/v1/enterprises/me/data-freshness", expect(403, firm_1=200, firm_2=200)),
    Case("GET", "/api/v1/whitelist/policy", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/whitelist/policies", expect(403, admin=200, office=200)),
    Case(
        "POST",
        "/api/v1/whitelist/policies",
        expect(403, admin=201, office=201),
        lambda: {"demand_window_days": 60},
    ),
    # no champion in this world: the refresh is allowed but has nothing to judge with
    Case("POST", "/api/v1/whitelist/refresh", expect(403, admin=404, office=404)),
    Case("GET", "/api/v1/whitelist/versions", expect(403, admin=200, office=200)),
    # the monitoring (监测): the office's and the admin's alone
    Case("GET", "/api/v1/monitoring/indicators", expect(403, admin=200, office=200)),
    Case(
        "GET",
        "/api/v1/monitoring/values?code=platform_loans&from=2026-01&to=2026-12&by=lender_code",
        expect(403, admin=200, office=200),
    ),
    Case("POST", "/api/v1/monitoring/refresh", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/monitoring/targets", expect(403, admin=200, office=200)),
    Case(
        "GET",
        "/api/v1/monitoring/target-versions?indicator=platform_loans",
        expect(403, admin=200, office=200),
    ),
    Case(
        "POST",
        "/api/v1/monitoring/targets",
        expect(403, admin=201, office=201),
        lambda: {
            "indicator": "platform_loans",
            "start_month": "2026-01",
            "due_month": "2026-12",
            "target": "1000",
        },
    ),
    Case("GET", "/api/v1/monitoring/status?month=2026-11", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/monitoring/figures", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/monitoring/league?month=2026-11", expect(403, admin=200, office=200)),
    Case(
        "POST",
        "/api/v1/monitoring/figures",
        expect(403, admin=201, office=201),
        lambda: {
            "measure": "market_entities",
            "district": "330502",
            "month": "2026-10",
            "value": "52000",
        },
    ),
    Case("GET", "/api/v1/whitelist/versions/{version}", expect(403, admin=404, office=404)),
    Case("GET", "/api/v1/whitelist/versions/{version}/changes", expect(403, admin=404, office=404)),
    Case("GET", "/api/v1/whitelist/versions/{version}/export", expect(403, admin=404, office=404)),
    Case(
        "POST",
        "/api/v1/enterprises/{firm_1}/rescore",
        expect(403, firm_1=404, firm_2=404, admin=404, office=404, operator=404),
    ),
    Case("GET", "/api/v1/score-runs", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/models", expect(403, admin=200, office=200)),
    Case("GET", "/api/v1/models/{model}", expect(403, admin=200, office=200)),
    Case("POST", "/api/v1/models/{model}/promote", expect(403, admin=200)),
    Case("GET", "/api/v1/batches", expect(403, admin=200, operator=200)),
    Case("POST", "/api/v1/batches", expect(403, admin=201, operator=201), files=tax_grade_file),
    Case("GET", "/api/v1/batches/{batch}", expect(403, admin=200, operator=200)),
    Case("GET", "/api/v1/batches/{batch}/rejected", expect(403, admin=200, operator=200)),
    Case("GET", "/api/v1/ops/probes/{probe}", expect(403, admin=200)),
    Case("POST", "/api/v1/applications", expect(403, firm_1=201, firm_2=201), application_fields),
    Case("GET", "/api/v1/applications", expect(403, admin=200, office=200, firm_1=200, firm_2=200)),
    Case(
        "GET",
        "/api/v1/applications/{application}",
        expect(403, admin=200, office=200, firm_1=200, firm_2=404),
    ),
    Case(
        "POST",
        "/api/v1/applications/{application}/withdraw",
        expect(403, firm_1=200, firm_2=404),
        lambda: {"reason": "不再需要"},
    ),
    Case(
        "GET",
        "/enterprises/{firm_1}",
        expect(404, anonymous=303, bank_a_key=303, bank_b_key=303, firm_1=200, **REGISTRY),
        page=True,
    ),
]
