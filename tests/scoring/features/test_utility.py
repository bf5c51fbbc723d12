"""Utility features, checked by hand: level, trend, year-on-year, volatility, zero use, arrears."""

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
LAST_YEAR = [800.0] * 6 + [900.0] * 3 + [600.0] * 3  # 2024-10 … 2025-09


def utility_rows() -> list[dict[str, str]]:
    rows = [
        {"uscc": FIRM_A, "month": month, "electricity_kwh": "1000", "arrears_yuan": "0"}
        for month in months("2023-10", "2024-09")
    ]
    arrears = {"2025-01": "100", "2025-09": "250.50"}
    for month, kwh in zip(months("2024-10", "2025-09"), LAST_YEAR, strict=True):
        rows.append({"uscc": FIRM_A, "month": month, "electricity_kwh": str(kwh),
                     "arrears_yuan": arrears.get(month, "0")})  # fmt: skip
        rows.append({"uscc": FIRM_B, "month": month, "electricity_kwh": "0", "arrears_yuan": "0"})
    rows.append({"uscc": FIRM_A, "month": "2025-10", "electricity_kwh": "0", "arrears_yuan": "9"})
    return rows


@pytest.fixture
def features(records: Records, registry: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    sources = {
        "registration": registry(FIRM_A, FIRM_B, FIRM_C),
        "utility_monthly": records("utility_monthly", utility_rows()),
    }
    return build_features(sources, as_of=AS_OF)


def test_level_trend_growth_and_volatility(features: pd.DataFrame) -> None:
    a = features.loc[FIRM_A]
    assert a["util_kwh_12m"] == pytest.approx(9_300)
    assert a["util_kwh_trend_3m"] == pytest.approx(600 / 900 - 1)
    assert a["util_kwh_yoy"] == pytest.approx(9_300 / 12_000 - 1)
    assert a["util_kwh_yoy_3m"] == pytest.approx(1_800 / 3_000 - 1)
    assert a["util_kwh_cv_12m"] == pytest.approx(np.std(LAST_YEAR) / np.mean(LAST_YEAR))
    assert a["util_zero_kwh_months_12m"] == 0
    assert a["util_arrears_months_12m"] == 2
    assert a["util_arrears_latest"] == pytest.approx(250.5)


def test_zero_use_is_zero_and_no_rows_is_missing(features: pd.DataFrame) -> None:
    b, c = features.loc[FIRM_B], features.loc[FIRM_C]
    assert b["util_kwh_12m"] == 0 and b["util_zero_kwh_months_12m"] == 12
    assert b["util_arrears_months_12m"] == 0 and b["util_arrears_latest"] == 0
    assert np.isnan(b["util_kwh_cv_12m"]) and np.isnan(b["util_kwh_trend_3m"])  # 0 / 0
    assert np.isnan(b["util_kwh_yoy"])  # no earlier year to compare with
    assert c.filter(like="util_").isna().all()
