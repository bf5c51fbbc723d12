from datetime import date

import pandas as pd
import pytest
from dateutil.relativedelta import relativedelta

from scoring.training.labels import labels
from scoring.training.split import out_of_time


def outcome(uscc: str, month: str, dpd: int = 0, defaulted: bool = False) -> dict[str, object]:
    return {
        "uscc": uscc,
        "report_month": pd.Timestamp(month),
        "days_past_due": dpd,
        "defaulted": defaulted,
    }


def book() -> pd.DataFrame:
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS").strftime("%Y-%m-%d")
    rows = [outcome("GOOD", m) for m in months]
    rows += [outcome("LATE", m, dpd=90 if m >= "2025-03-01" else 0) for m in months]
    rows += [outcome("EARLY", m, dpd=120 if m >= "2024-03-01" else 0) for m in months]
    rows += [outcome("NEW", m) for m in months if m >= "2024-07-01"]
    return pd.DataFrame(rows)


def test_label_is_serious_delinquency_within_the_next_12_months() -> None:
    result = labels(book(), as_of=date(2024, 6, 1))
    assert result.to_dict() == {
        "GOOD": 0,
        "LATE": 1,
    }  # EARLY was already bad; NEW not yet a borrower


def test_window_boundaries() -> None:
    assert labels(book(), as_of=date(2024, 3, 1))["LATE"] == 0  # 2025-03 is month 13
    assert labels(book(), as_of=date(2024, 4, 1))["LATE"] == 1  # 2025-03 is month 12


def test_no_label_when_the_window_is_not_fully_reported() -> None:
    assert labels(book(), as_of=date(2025, 6, 1)).empty


def test_out_of_time_split_trains_only_on_outcomes_known_by_the_test_month() -> None:
    months = [date(2024, 1, 1) + relativedelta(months=k) for k in range(18)]
    split = out_of_time(months)
    assert split.test == (date(2025, 6, 1),)
    assert split.train == tuple(months[:6]) and max(split.train) == date(2024, 6, 1)
    with pytest.raises(ValueError, match="at least 16 months"):
        out_of_time(months[:14])


def test_labels_match_the_synthetic_citys_truth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scoring.sources.contracts import CONTRACTS
    from scoring.sources.readers import read_text_table
    from scoring.sources.validation import Context, validate
    from scoring.synthetic.city import CityParams, generate_city
    from scoring.synthetic.registry import CitySpec

    summary = generate_city(
        CitySpec(enterprises=600, seed=9),
        months=36,
        out_dir=tmp_path,
        params=CityParams(error_rate=0),
    )
    frame, _ = read_text_table(tmp_path / "loan_outcomes.csv")
    context = Context(load_date=date(2026, 11, 23), districts=frozenset())
    outcomes = validate(frame, CONTRACTS["loan_outcomes"], context).rows
    truth = pd.read_parquet(tmp_path / "truth.parquet")
    month = summary.snapshot_month  # truth's month M speaks of the 12 months after M
    expected = truth[(truth["month"] == month) & truth["borrower"]].set_index("uscc")
    as_of = (pd.Period(month, "M") + 1).to_timestamp().date()
    observed = labels(outcomes, as_of=as_of)
    common = observed.index.intersection(expected.index)
    assert len(common) >= 0.9 * len(expected) and observed.sum() > 0
    agree = (observed[common] == expected.loc[common, "default_within_12m"].astype(int)).mean()
    assert agree > 0.99
