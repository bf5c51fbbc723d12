"""Who may use the monitoring's Excel and pages (监测看板): office staff and administrators.

Banks, enterprises and the data operator are refused (403); visitors and bank systems are sent
to sign in on a page. A form from staff is saved and answered with a redirect (303)."""

from __future__ import annotations

from tests.api.ownership_world import Case, expect

STAFF = {"admin": 200, "office": 200}
TO_LOGIN = {"anonymous": 303, "bank_a_key": 303, "bank_b_key": 303}
STAFF_FORM = {"admin": 303, "office": 303}
PAGES = ("", "/funnel", "/whitelist", "/breakdown", "/league", "/trend", "/targets")

MONITORING_CASES: list[Case] = [
    Case("GET", "/api/v1/monitoring/report.xlsx?month=2026-11", expect(403, **STAFF)),
    Case(
        "GET",
        "/api/v1/monitoring/tables/{monitoring_table}.xlsx?month=2026-11&by=lender_code",
        expect(403, **STAFF),
    ),
    Case(
        "GET",
        "/api/v1/monitoring/tables/{monitoring_table}?month=2026-11",
        expect(403, **STAFF),
    ),
    *(
        Case("GET", f"/monitoring{page}", expect(403, **TO_LOGIN, **STAFF), page=True)
        for page in PAGES
    ),
    Case(
        "POST",
        "/monitoring/targets",
        expect(403, **TO_LOGIN, **STAFF_FORM),
        lambda: {
            "indicator": "platform_loans",
            "start_month": "2026-01",
            "due_month": "2026-12",
            "target": "1000",
        },
        page=True,
    ),
    Case(
        "POST",
        "/monitoring/figures",
        expect(403, **TO_LOGIN, **STAFF_FORM),
        lambda: {
            "measure": "market_entities",
            "district": "330502",
            "month": "2026-10",
            "value": "52000",
        },
        page=True,
    ),
]
