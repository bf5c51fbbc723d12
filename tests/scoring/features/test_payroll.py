"""Social-security and housing-fund features, checked by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest

from scoring.features import build_features
from tests.scoring.features.conftest import FIRM_A, FIRM_B, FIRM_C, Records
from tests.scoring.features.test_tax import months

AS_OF = date(2025, 10, 1)


def social_rows() -> list[dict[str, str]]:
    rows = []
    for month in months("2024-07", "2025-09"):
        late = month in ("2025-08", "2025-09")  # two months underpaid, the run still open
        headcount = "10" if month < "2024-10" else "8"
        rows.append({
            "uscc": FIRM_A, "month": month, "insured_headcount": headcount,
            "contributions_due_yuan": "1000", "contributions_paid_yuan": "400" if late else "1000",
            "months_in_arrears": {"2025-08": "1", "2025-09": "2"}.get(month, "0"),
        })  # fmt: skip
    return rows


def housing_rows() -> list[dict[str, str]]:
    return [
        {"uscc": FIRM_A, "month": month, "headcount": "4" if month < "2025-07" else "5",
         "contributions_yuan": "0" if month in ("2025-02", "2025-03") else "2000"}
        for month in months("2024-07", "2025-09")
    ]  # fmt: skip


@pytest.fixture
def features(records: Records, registry: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    sources = {
        "registration": registry(FIRM_A, FIRM_B, FIRM_C),
        "social_security_monthly": records("social_security_monthly", social_rows()),
        "housing_fund_monthly": records("housing_fund_monthly", housing_rows()),
    }
    return build_features(sources, as_of=AS_OF)


def test_social_security(features: pd.DataFrame) -> None:
    a = features.loc[FIRM_A]
    assert a["ss_headcount_latest"] == 8
    assert a["ss_headcount_trend_12m"] == pytest.approx(8 / 10 - 1)  # 2025-07…09 vs 2024-07…09
    assert a["ss_months_in_arrears_latest"] == 2
    assert a["ss_paid_ratio_12m"] == pytest.approx((10 * 1000 + 2 * 400) / 12_000)
    assert a["ss_underpaid_months_12m"] == 2


def test_housing_fund(features: pd.DataFrame) -> None:
    a = features.loc[FIRM_A]
    assert a["hf_headcount_latest"] == 5
    assert a["hf_headcount_trend_12m"] == pytest.approx(5 / 4 - 1)
    assert a["hf_contributions_12m"] == pytest.approx(10 * 2000)
    assert a["hf_zero_months_12m"] == 2


def test_without_rows_everything_is_missing(features: pd.DataFrame) -> None:
    for firm in (FIRM_B, FIRM_C):
        row = features.loc[firm]
        assert row.filter(regex="^(ss|hf)_").isna().all()
        assert not np.isnan(row["reg_age_months"])
