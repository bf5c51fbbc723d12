"""Intellectual-property and platform-history features, checked by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import pytest

from scoring.features import build_features
from tests.scoring.features.conftest import FIRM_A, FIRM_B, FIRM_C, Records
from tests.scoring.features.test_tax import months

AS_OF = date(2025, 10, 1)


def ip_rows() -> list[dict[str, str]]:
    grants = [
        ("invention_patent", "2010-01-01", ""),
        ("invention_patent", "2005-10-01", ""),  # 20-year term still running on the as-of date
        ("invention_patent", "2005-09-30", ""),  # expired the day before
        ("utility_model", "2016-01-01", ""),
        ("utility_model", "2015-06-01", ""),  # 10-year term over
        ("design_patent", "2012-01-01", ""),
        ("trademark", "2020-05-05", ""),
        ("ip_pledge", "2023-01-01", "1000000"),
        ("ip_pledge", "2022-06-01", "500000"),  # more than 36 months ago
        ("invention_patent", "2025-10-01", ""),  # granted on the as-of date
    ]
    return [
        {"record_id": f"IP{i}", "uscc": FIRM_A, "kind": kind, "granted_date": day,
         "pledge_amount_yuan": amount}
        for i, (kind, day, amount) in enumerate(grants)
    ]  # fmt: skip


def loan_rows() -> list[dict[str, str]]:
    rows = [
        {"loan_id": "L1", "uscc": FIRM_A, "disbursement_date": "2023-03-15", "report_month": m,
         "days_past_due": "30" if m == "2023-08" else "0"}
        for m in months("2023-03", "2024-02")
    ]  # fmt: skip
    rows += [
        {"loan_id": "L2", "uscc": FIRM_A, "disbursement_date": "2025-06-10", "report_month": m,
         "balance_yuan": "300000", "days_past_due": "15" if m == "2025-09" else "0"}
        for m in months("2025-06", "2025-09")
    ]  # fmt: skip
    rows.append(
        {
            "loan_id": "L2",
            "uscc": FIRM_A,
            "disbursement_date": "2025-06-10",
            "report_month": "2025-10",
            "days_past_due": "90",
            "defaulted": "true",
        }
    )
    rows += [
        {"loan_id": "L3", "uscc": FIRM_B, "disbursement_date": "2022-01-05", "report_month": m}
        for m in months("2022-01", "2022-12")
    ]
    return rows  # fmt: skip


@pytest.fixture
def features(records: Records, registry: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    sources = {
        "registration": registry(FIRM_A, FIRM_B, FIRM_C),
        "intellectual_property": records("intellectual_property", ip_rows()),
        "loan_outcomes": records("loan_outcomes", loan_rows()),
    }
    return build_features(sources, as_of=AS_OF)


def test_rights_in_force_and_recent_pledges(features: pd.DataFrame) -> None:
    a, b = features.loc[FIRM_A], features.loc[FIRM_B]
    assert a["ip_invention_patents"] == 2
    assert a["ip_other_patents"] == 2
    assert a["ip_trademarks"] == 1
    assert a["ip_active_pledges"] == 1
    assert a["ip_active_pledge_amount"] == pytest.approx(1_000_000)
    assert (b.filter(like="ip_") == 0).all()


def test_platform_history_uses_reports_before_the_as_of_month(features: pd.DataFrame) -> None:
    a = features.loc[FIRM_A]
    assert a["loan_count"] == 2
    assert a["loan_months_since_first"] == pytest.approx(
        (pd.Timestamp(AS_OF) - pd.Timestamp("2023-03-15")).days / (365.25 / 12)
    )
    assert a["loan_balance_last_month"] == pytest.approx(300_000)
    assert a["loan_dpd_last_month"] == 15
    assert a["loan_max_dpd_12m"] == 15  # the 30 days of 2023-08 lie outside the window
    assert (a["loan_ever_dpd30"], a["loan_ever_dpd90"], a["loan_ever_defaulted"]) == (1, 0, 0)


def test_a_repaid_loan_is_a_clean_history_and_no_loan_is_none(features: pd.DataFrame) -> None:
    b, c = features.loc[FIRM_B], features.loc[FIRM_C]
    assert b["loan_count"] == 1
    assert b["loan_balance_last_month"] == 0 and b["loan_max_dpd_12m"] == 0
    assert b["loan_ever_dpd30"] == 0
    assert c["loan_count"] == 0
    assert c.filter(like="loan_").drop("loan_count").isna().all()
