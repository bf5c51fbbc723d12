"""Missing stays missing; absent sources, unknown codes and bad input are handled plainly."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from scoring.features import FEATURES, build_features

AS_OF = date(2025, 11, 1)


def firms_without(sources: dict[str, pd.DataFrame], kind: str) -> pd.Index:
    registered = sources["registration"]
    known = registered.loc[registered["registration_date"] < pd.Timestamp("2023-01-01"), "uscc"]
    return pd.Index(known[~known.isin(sources[kind]["uscc"])])


@pytest.mark.parametrize(
    ("kind", "prefix"),
    [
        ("utility_monthly", "util_"),
        ("tax_monthly", "tax_(?!grade)"),
        ("social_security_monthly", "ss_"),
        ("housing_fund_monthly", "hf_"),
    ],
)
def test_a_firm_without_rows_has_missing_values_not_zeros(
    sources: dict[str, pd.DataFrame], kind: str, prefix: str
) -> None:
    features = build_features(sources, as_of=AS_OF)
    lacking = firms_without(sources, kind)
    assert len(lacking) > 0
    assert features.loc[lacking].filter(regex=f"^{prefix}").isna().all().all()
    having = features.drop(index=lacking).filter(regex=f"^{prefix}")
    assert having.notna().any().all()


def test_an_absent_source_gives_missing_columns(sources: dict[str, pd.DataFrame]) -> None:
    partial = {k: v for k, v in sources.items() if k not in ("utility_monthly", "loan_outcomes")}
    features = build_features(partial, as_of=AS_OF)
    complete = build_features(sources, as_of=AS_OF)
    absent = [n for n, s in FEATURES.items() if s.source in ("utility_monthly", "loan_outcomes")]
    assert features[absent].isna().all().all()
    pd.testing.assert_frame_equal(features.drop(columns=absent), complete.drop(columns=absent))


def test_registration_is_required(sources: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValueError, match="registration"):
        build_features({"utility_monthly": sources["utility_monthly"]}, as_of=AS_OF)


def test_a_source_without_a_needed_column_is_refused(sources: dict[str, pd.DataFrame]) -> None:
    broken = {**sources, "tax_monthly": sources["tax_monthly"].drop(columns=["arrears_fen"])}
    with pytest.raises(ValueError, match="tax_monthly lacks column"):
        build_features(broken, as_of=AS_OF)


def test_requested_codes_keep_their_order_and_unknown_codes_are_empty(
    sources: dict[str, pd.DataFrame],
) -> None:
    codes = sources["registration"]["uscc"].tolist()
    chosen = [codes[5], "91330502MA0000000X", codes[1]]
    features = build_features(sources, as_of=AS_OF, usccs=chosen)
    assert features.index.tolist() == chosen and features.index.name == "uscc"
    assert features.iloc[1].isna().all()
    full = build_features(sources, as_of=AS_OF)
    pd.testing.assert_frame_equal(
        features.loc[[codes[5], codes[1]]], full.loc[[codes[5], codes[1]]]
    )
    with pytest.raises(ValueError, match="repeats"):
        build_features(sources, as_of=AS_OF, usccs=[codes[0], codes[0]])


def test_dates_read_back_as_python_dates_give_the_same_features(
    sources: dict[str, pd.DataFrame],
) -> None:
    """Parquet date32 columns come back as datetime.date objects; the build takes either."""
    as_objects = {
        kind: frame.assign(
            **{
                name: frame[name].dt.date.astype(object)
                for name in frame.columns
                if pd.api.types.is_datetime64_any_dtype(frame[name])
            }
        )
        for kind, frame in sources.items()
    }
    pd.testing.assert_frame_equal(
        build_features(as_objects, as_of=AS_OF), build_features(sources, as_of=AS_OF)
    )
