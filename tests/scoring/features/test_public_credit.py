"""Public-credit features, checked by hand: windows, active records, recency and amounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest

from scoring.features import build_features
from tests.scoring.features.conftest import FIRM_A, FIRM_B, Records

AS_OF = date(2025, 10, 1)  # 12 months back: 2024-10-01; 36 months back: 2022-10-01


def event(number: int, kind: str, day: str, **fields: str) -> dict[str, str]:
    row = {"event_id": f"E{number}", "uscc": FIRM_A, "kind": kind, "event_date": day}
    if "publicity_end" in fields:
        row["publicity_start"] = day
    return {**row, **fields}


PENALTY = "administrative_penalty"
EVENTS = [
    # in publicity until 2026: active
    event(1, PENALTY, "2025-03-10", publicity_end="2026-03-10", amount_yuan="5000",
          severity="general", repaired="false", removed="false"),
    # expired in 2024: counted in 36 months only, not active
    event(2, PENALTY, "2023-05-01", publicity_end="2024-05-01", amount_yuan="20000",
          severity="serious", repaired="false", removed="true"),
    # repaired (信用修复): no longer active although its publicity runs to 2028
    event(3, PENALTY, "2025-06-01", publicity_end="2028-06-01", amount_yuan="1000",
          severity="minor", repaired="true", removed="true"),
    # marked removed by a later load once it expired in 2026: still active as of 2025-10-01
    event(4, PENALTY, "2025-08-01", publicity_end="2026-08-01", amount_yuan="2000",
          severity="general", repaired="false", removed="true"),
    event(5, "serious_dishonesty", "2024-01-10", publicity_end="2027-01-10", repaired="false"),
    event(6, "dishonest_debtor", "2025-09-30", removed="false"),  # a list without an end date
    event(7, "abnormal_operation", "2024-02-01", removed="true"),  # removed from the list
    event(8, "licence", "2025-01-01"),
    event(9, "red_list", "2023-01-01"),
    event(10, "red_list", "2022-09-30"),  # older than 36 months
    event(11, "serious_dishonesty", "2025-10-01"),  # on the as-of date: not known yet
]  # fmt: skip


@pytest.fixture
def features(records: Records, registry: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    sources = {
        "registration": registry(FIRM_A, FIRM_B),
        "public_credit_events": records("public_credit_events", EVENTS),
    }
    return build_features(sources, as_of=AS_OF)


def test_penalties(features: pd.DataFrame) -> None:
    a = features.loc[FIRM_A]
    assert a["pc_penalties_12m"] == 3
    assert a["pc_penalties_36m"] == 4
    assert a["pc_serious_penalties_36m"] == 1
    assert a["pc_penalty_amount_36m"] == pytest.approx(5000 + 20000 + 1000 + 2000)
    assert a["pc_active_penalties"] == 2  # events 1 and 4


def test_lists_and_recency(features: pd.DataFrame) -> None:
    a = features.loc[FIRM_A]
    assert a["pc_active_serious_dishonesty"] == 1
    assert a["pc_active_dishonest_debtor"] == 1
    assert a["pc_active_abnormal_operation"] == 0
    assert a["pc_abnormal_operation_36m"] == 1
    assert a["pc_negative_events_12m"] == 4  # penalties 1, 3, 4 and the debtor listing
    assert a["pc_negative_events_36m"] == 7
    assert a["pc_months_since_negative"] == pytest.approx(1 / (365.25 / 12))
    assert a["pc_licences_36m"] == 1
    assert a["pc_red_list_36m"] == 1


def test_no_events_is_zero_and_no_source_is_missing(
    features: pd.DataFrame, registry: Callable[..., pd.DataFrame]
) -> None:
    b = features.loc[FIRM_B]
    counts = b.filter(like="pc_").drop("pc_months_since_negative")
    assert (counts == 0).all()
    assert np.isnan(b["pc_months_since_negative"])  # never had a negative record
    without = build_features({"registration": registry(FIRM_A, FIRM_B)}, as_of=AS_OF)
    assert without.filter(like="pc_").isna().all().all()
