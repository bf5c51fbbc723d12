"""A valid row for every contract, and for each column the ways to break it."""

from __future__ import annotations

from typing import Any

from app.enterprises import uscc

CODE = uscc.complete("91330502MA2B3C4D5")
FAILING_CODE = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")

VALID: dict[str, dict[str, Any]] = {
    "registration": {
        "uscc": CODE,
        "name": "湖州恒兴机械有限公司",
        "entity_type": "enterprise",
        "status": "active",
        "registration_date": "2019-05-01",
        "registered_capital_yuan": "1000000.00",
        "industry_section": "C",
        "industry_division": "34",
        "district": "330502",
        "headcount": "25",
        "annual_revenue_yuan": "5000000",
        "legal_representative": "张三丰",
        "contact_phone": "13812345678",
    },
    "public_credit_events": {
        "event_id": "PE0000000001",
        "uscc": CODE,
        "kind": "administrative_penalty",
        "event_date": "2025-03-02",
        "department": "市场监管局",
        "publicity_start": "2025-03-05",
        "publicity_end": "2026-03-05",
        "amount_yuan": "5000.00",
        "severity": "general",
        "repaired": "false",
        "removed": "false",
    },
    "utility_monthly": {
        "uscc": CODE,
        "month": "2026-09",
        "electricity_kwh": "12345.6",
        "water_m3": "80",
        "gas_m3": "",
        "billed_yuan": "9876.54",
        "arrears_yuan": "0.00",
    },
    "tax_monthly": {
        "uscc": CODE,
        "month": "2026-09",
        "tax_paid_yuan": "3200.10",
        "invoiced_sales_yuan": "150000.00",
        "arrears_yuan": "0",
    },
    "tax_grade": {"uscc": CODE, "year": "2025", "grade": "B"},
    "social_security_monthly": {
        "uscc": CODE,
        "month": "2026-09",
        "insured_headcount": "23",
        "contributions_due_yuan": "28000.00",
        "contributions_paid_yuan": "28000.00",
        "months_in_arrears": "0",
    },
    "housing_fund_monthly": {
        "uscc": CODE,
        "month": "2026-09",
        "headcount": "12",
        "contributions_yuan": "9600.00",
    },
    "intellectual_property": {
        "record_id": "IP000001",
        "uscc": CODE,
        "kind": "ip_pledge",
        "granted_date": "2024-06-30",
        "pledge_amount_yuan": "2000000.00",
    },
    "loan_outcomes": {
        "loan_id": "LN000001",
        "uscc": CODE,
        "lender_code": "huzhou-bank",
        "disbursement_date": "2026-01-15",
        "principal_yuan": "500000.00",
        "term_months": "12",
        "report_month": "2026-09",
        "balance_yuan": "250000.00",
        "days_past_due": "0",
        "defaulted": "false",
    },
}

# By column type: (bad value, the rule it breaks).
BAD_BY_TYPE: dict[str, list[tuple[str, str]]] = {
    "uscc": [
        ("12345", "uscc_format"),
        ("91330502MA2B3C4DI0", "uscc_format"),
        ("91990502MA2B3C4D5X", "uscc_format"),
    ],
    "date": [
        ("2024-13-45", "date_format"),
        ("20240315", "date_format"),
        ("yesterday", "date_format"),
        ("2999-01-01", "date_in_future"),
        ("1900-01-01", "date_too_early"),
    ],
    "month": [
        ("2024-00", "month_format"),
        ("2024-1", "month_format"),
        ("2999-01", "month_in_future"),
        ("1999-12", "month_too_early"),
    ],
    "year": [("1999", "year_range"), ("2999", "year_range"), ("20x5", "year_range")],
    "money": [
        ("-1.00", "money_format"),
        ("12.345", "money_format"),
        ("abc", "money_format"),
        ("1,000", "money_format"),
        ("999999999999999.00", "absurd"),
    ],
    "quantity": [("-5", "negative"), ("1e12", "absurd"), ("many", "number_format")],
    "count": [("-1", "count_format"), ("2.5", "count_format"), ("9999999999", "absurd")],
    "enum": [("something-else", "not_allowed")],
    "bool": [("maybe", "bool_format")],
}
# Text columns with rules of their own.
BAD_TEXT: dict[str, list[tuple[str, str]]] = {
    "name": [("厂", "too_short")],
    "district": [("330599", "unknown_district")],
    "industry_division": [("52", "industry")],
    "contact_phone": [("0572-1234567", "phone_format"), ("1381234567", "phone_format")],
}
