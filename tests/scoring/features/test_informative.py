"""On the synthetic city the features carry the latent health: rank correlations with true PD."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from scoring.features import FEATURES, build_features

AS_OF = date(2025, 11, 1)  # uses months to 2025-10, the truth's snapshot month
MONTH = "2025-10"


def spearman(feature: pd.Series, target: pd.Series) -> float:
    """Spearman's rho via ranks, on the enterprises where both are known."""
    both = pd.concat([feature, target], axis=1).dropna()
    return float(both.iloc[:, 0].rank().corr(both.iloc[:, 1].rank()))


@pytest.fixture(scope="module")
def pairs(sources: dict[str, pd.DataFrame], truth: pd.DataFrame) -> pd.DataFrame:
    features = build_features(sources, as_of=AS_OF)
    pd_12m = truth[truth["month"] == MONTH].set_index("uscc")["pd_12m"]
    return features.select_dtypes("number").assign(pd_12m=pd_12m.reindex(features.index))


@pytest.mark.parametrize(
    ("name", "sign"),
    [
        ("util_kwh_yoy", -1),
        ("util_kwh_yoy_3m", -1),
        ("tax_sales_yoy", -1),
        ("util_arrears_months_12m", +1),
        ("tax_arrears_months_12m", +1),
        ("tax_zero_tax_months_12m", +1),
        ("tax_grade", +1),
        ("ss_paid_ratio_12m", -1),
        ("pc_negative_events_36m", +1),
    ],
)
def test_features_move_with_the_true_pd(pairs: pd.DataFrame, name: str, sign: int) -> None:
    rho = spearman(pairs[name], pairs["pd_12m"])
    print(f"{name}: Spearman rho with pd_12m = {rho:+.3f}")
    assert sign * rho > 0.1, rho


def test_no_declared_direction_is_contradicted(pairs: pd.DataFrame) -> None:
    """Larger is safer (+1) must not go with a clearly higher PD, and the other way round."""
    for name, spec in FEATURES.items():
        column = pairs.get(name)
        if spec.direction == 0 or column is None or column.notna().sum() < 100:
            continue
        if column.nunique() < 2:
            continue
        rho = spearman(column, pairs["pd_12m"])
        assert -spec.direction * rho > -0.1, (name, rho)
