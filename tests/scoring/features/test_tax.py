"""Tax features, checked by hand: grade publication, 12-month totals, growth, zero months."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest

from scoring.features import build_features
from tests.scoring.features.conftest import FIRM_A, FIRM_B, FIRM_C, Records

AS_OF = date(2025, 10, 1)  # last 12 months: 2024-10 … 2025-09


def months(first: str, last: str) -> list[str]:
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def tax_rows() -> list[dict[str, str]]:
    rows = []
    for month in months("2023-10", "2024-09"):  # a year earlier: 100,000 sales, 3,000 tax
        rows.append({"uscc": FIRM_A, "month": month, "tax_paid_yuan": "3000",
                     "invoiced_sales_yuan": "100000", "arrears_yuan": "0"})  # fmt: skip
    for month in months("2024-10", "2025-09"):
        if month == "2025-06":
            continue  # not reported: neither zero nor compared
        zero_tax = month in ("2025-03", "2025-04", "2025-05")
        rows.append({
            "uscc": FIRM_A, "month": month, "tax_paid_yuan": "0" if zero_tax else "2400",
            "invoiced_sales_yuan": "0" if month == "2025-05" else "80000",
            "arrears_yuan": "5000" if month == "2025-08" else "0",
        })  # fmt: skip
        rows.append({"uscc": FIRM_B, "month": month, "tax_paid_yuan": "100",
                     "invoiced_sales_yuan": "5000", "arrears_yuan": "700"})  # fmt: skip
    rows.append(
        {
            "uscc": FIRM_A,
            "month": "2025-10",
            "tax_paid_yuan": "0",
            "invoiced_sales_yuan": "0",
            "arrears_yuan": "999999",
        }
    )  # the as-of month
    return rows  # fmt: skip


@pytest.fixture
def tax_sources(records: Records, registry: Callable[..., pd.DataFrame]) -> dict[str, pd.DataFrame]:
    grades = [
        {"uscc": FIRM_A, "year": "2023", "grade": "B"},
        {"uscc": FIRM_A, "year": "2024", "grade": "A"},
        {"uscc": FIRM_A, "year": "2025", "grade": "D"},  # published April 2026
        {"uscc": FIRM_B, "year": "2024", "grade": "M"},
    ]
    return {
        "registration": registry(FIRM_A, FIRM_B, FIRM_C),
        "tax_monthly": records("tax_monthly", tax_rows()),
        "tax_grade": records("tax_grade", grades),
    }


def test_totals_growth_zero_months_and_arrears(tax_sources: dict[str, pd.DataFrame]) -> None:
    a = build_features(tax_sources, as_of=AS_OF).loc[FIRM_A]
    assert a["tax_sales_12m"] == pytest.approx(10 * 80_000)
    assert a["tax_paid_12m"] == pytest.approx(8 * 2_400)
    # 11 months reported in both years (2025-06 missing, so 2024-06 is left out too)
    assert a["tax_sales_yoy"] == pytest.approx(800_000 / 1_100_000 - 1)
    assert a["tax_sales_yoy_3m"] == pytest.approx(240_000 / 300_000 - 1)
    assert a["tax_zero_tax_months_12m"] == 3
    assert a["tax_zero_sales_months_12m"] == 1
    assert a["tax_arrears_months_12m"] == 1
    assert a["tax_arrears_latest"] == 0  # 2025-09 owed nothing; 2025-10 is not known yet


def test_a_new_taxpayer_has_levels_but_no_growth(tax_sources: dict[str, pd.DataFrame]) -> None:
    features = build_features(tax_sources, as_of=AS_OF)
    b, c = features.loc[FIRM_B], features.loc[FIRM_C]
    assert b["tax_sales_12m"] == pytest.approx(11 * 5_000)
    assert np.isnan(b["tax_sales_yoy"]) and np.isnan(b["tax_sales_yoy_3m"])
    assert b["tax_arrears_months_12m"] == 11 and b["tax_arrears_latest"] == 700
    assert b["tax_grade"] == 3  # M, a new taxpayer
    assert c.filter(like="tax_").isna().all()  # no tax records: missing, never zero


@pytest.mark.parametrize(
    ("as_of", "grade"),
    [
        (date(2025, 4, 30), 2.0),  # 2024's grade (A) is not out yet: 2023's B
        (date(2025, 5, 1), 1.0),  # published 30 April 2025: A
        (date(2026, 4, 30), 1.0),  # 2025's D is not out yet
        (date(2026, 5, 1), 5.0),
        (date(2024, 4, 30), np.nan),  # nothing published yet
    ],
)
def test_a_grade_counts_only_once_published(
    tax_sources: dict[str, pd.DataFrame], as_of: date, grade: float
) -> None:
    value = build_features(tax_sources, as_of=as_of).loc[FIRM_A, "tax_grade"]
    np.testing.assert_equal(value, grade)
