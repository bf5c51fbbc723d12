import numpy as np
import pandas as pd

from scoring.model.reasons import top_reasons


def test_the_strongest_risk_raising_features_come_first_worded() -> None:
    contributions = pd.DataFrame(
        {"arrears": [0.9, -0.2], "growth": [0.3, -0.1], "sector": [-0.5, 0.05]}
    )
    values = pd.DataFrame(
        {"arrears": [3.0, 0.0], "growth": [np.nan, 0.2], "sector": ["餐饮", "零售"]}
    )
    reasons = top_reasons(
        contributions, values, k=2, describe=lambda name, value: f"{name}:{value}"
    )
    assert [r["feature"] for r in reasons[0]] == ["arrears", "growth"]
    assert reasons[0][0]["text"] == "arrears:3.0" and reasons[0][1]["value"] is None
    assert [r["feature"] for r in reasons[1]] == ["sector"]  # only positive contributions count
