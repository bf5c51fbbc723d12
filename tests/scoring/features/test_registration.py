"""Registration features, checked by hand on a tiny registry."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest

from app.enterprises.size_class import SizeClass, classify
from scoring.features import build_features
from scoring.features.families.registration import size_class
from tests.scoring.features.conftest import FIRM_A, FIRM_B, FIRM_C

Registry = Callable[..., pd.DataFrame]


def test_age_capital_revenue_and_categories(registry: Registry) -> None:
    frame = pd.concat(
        [
            registry(FIRM_A, registration_date="2024-10-01"),
            registry(
                FIRM_C,
                entity_type="individual_business",
                registered_capital_yuan="",
                industry_section="H",
                industry_division="62",
                district="330521",
                headcount="15",
                annual_revenue_yuan="1500000",
            ),
        ],
        ignore_index=True,
    )
    features = build_features({"registration": frame}, as_of=date(2025, 10, 1))
    a, c = features.loc[FIRM_A], features.loc[FIRM_C]
    assert a["reg_age_months"] == pytest.approx(365 / (365.25 / 12))
    assert a["reg_capital_log"] == pytest.approx(math.log1p(1_000_000))
    assert a["reg_revenue_log"] == pytest.approx(math.log1p(5_000_000))
    assert a["reg_headcount"] == 12
    assert a["reg_size_class"] == 1  # manufacturing with 12 people is micro (< 20)
    assert np.isnan(c["reg_capital_log"])  # none registered: missing, not zero
    assert c["reg_size_class"] == 2  # catering: 15 people (>= 10) and 150 万元 (>= 100) is small
    assert (a["reg_industry_section"], a["reg_district"], a["reg_entity_type"]) == (
        "C",
        "330502",
        "enterprise",
    )
    assert c["reg_entity_type"] == "individual_business"
    assert list(features["reg_industry_section"].cat.categories) == list("ABCDEFGHIJKLMNOPQRST")
    assert list(features["reg_district"].cat.categories) == ["330502", "330521"]


def test_registration_on_the_as_of_date_gives_an_empty_row(registry: Registry) -> None:
    frame = pd.concat(
        [registry(FIRM_A, registration_date="2025-10-01"), registry(FIRM_B)], ignore_index=True
    )
    features = build_features({"registration": frame}, as_of=date(2025, 10, 1))
    assert features.loc[FIRM_A].isna().all()
    assert features.loc[FIRM_B].notna().sum() > 0


def test_vectorised_size_class_agrees_with_the_registry_rule(
    sources: dict[str, pd.DataFrame],
) -> None:
    rows = sources["registration"]
    expected = [
        classify(
            section=s, division=d, headcount=None if pd.isna(h) else int(h),
            revenue_fen=None if pd.isna(r) else int(r),
        )
        for s, d, h, r in rows[
            ["industry_section", "industry_division", "headcount", "annual_revenue_fen"]
        ].itertuples(index=False)
    ]  # fmt: skip
    order: dict[SizeClass | None, float] = {None: np.nan}
    order.update({size: rank for rank, size in enumerate(SizeClass, start=1)})
    assert len({size for size in expected}) > 1
    np.testing.assert_array_equal(size_class(rows), [order[size] for size in expected])
