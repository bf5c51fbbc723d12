"""No leakage: records dated on or after the as-of date change no feature value."""

from __future__ import annotations

from datetime import date

import pandas as pd

from scoring.features import build_features
from tests.scoring.features.conftest import Records

AS_OF = date(2025, 10, 1)
STAMP = pd.Timestamp(AS_OF)
# Per source, the column that dates a record; a record dated on or after the as-of is "future".
DATED = {
    "utility_monthly": "month",
    "tax_monthly": "month",
    "social_security_monthly": "month",
    "housing_fund_monthly": "month",
    "public_credit_events": "event_date",
    "intellectual_property": "granted_date",
    "loan_outcomes": "report_month",
}


def known_before(sources: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The same city cut at ``as_of``: only records an analyst could have seen by then."""
    cut = {kind: frame.copy() for kind, frame in sources.items()}
    for kind, column in DATED.items():
        cut[kind] = cut[kind][cut[kind][column] < as_of].reset_index(drop=True)
    grades = cut["tax_grade"]
    published = pd.to_datetime((grades["year"] + 1).astype(str) + "-04-30")
    cut["tax_grade"] = grades[published < as_of].reset_index(drop=True)
    return cut


def test_future_records_of_the_city_change_nothing(sources: dict[str, pd.DataFrame]) -> None:
    cut = known_before(sources, STAMP)
    assert sum(len(cut[k]) for k in DATED) < sum(len(sources[k]) for k in DATED)  # a real cut
    pd.testing.assert_frame_equal(
        build_features(sources, as_of=AS_OF), build_features(cut, as_of=AS_OF)
    )


def future_rows(records: Records, firm: str) -> dict[str, pd.DataFrame]:
    """Alarming records for ``firm`` dated exactly on the as-of date (or its month)."""
    day, month = AS_OF.isoformat(), AS_OF.strftime("%Y-%m")
    return {
        "utility_monthly": records(
            "utility_monthly",
            [{"uscc": firm, "month": month, "electricity_kwh": "0", "arrears_yuan": "99999"}],
        ),
        "tax_monthly": records(
            "tax_monthly",
            [{"uscc": firm, "month": month, "tax_paid_yuan": "0", "arrears_yuan": "88888"}],
        ),
        "tax_grade": records("tax_grade", [{"uscc": firm, "year": "2025", "grade": "D"}]),
        "social_security_monthly": records(
            "social_security_monthly",
            [{"uscc": firm, "month": month, "insured_headcount": "1", "months_in_arrears": "9"}],
        ),
        "housing_fund_monthly": records(
            "housing_fund_monthly",
            [{"uscc": firm, "month": month, "headcount": "1", "contributions_yuan": "0"}],
        ),
        "public_credit_events": records(
            "public_credit_events",
            [
                {"event_id": f"F-{firm}-{kind}", "uscc": firm, "kind": kind, "event_date": day}
                for kind in ("serious_dishonesty", "dishonest_debtor", "administrative_penalty")
            ],
        ),
        "intellectual_property": records(
            "intellectual_property",
            [
                {
                    "record_id": "FUTURE-IP",
                    "uscc": firm,
                    "kind": "ip_pledge",
                    "granted_date": day,
                    "pledge_amount_yuan": "100000",
                }
            ],
        ),
        "loan_outcomes": records(
            "loan_outcomes",
            [
                {
                    "loan_id": "FUTURE-LN",
                    "uscc": firm,
                    "disbursement_date": "2025-09-03",
                    "report_month": month,
                    "days_past_due": "120",
                    "defaulted": "true",
                }
            ],
        ),
    }


def test_appended_future_rows_change_nothing(
    sources: dict[str, pd.DataFrame], records: Records
) -> None:
    cut = known_before(sources, STAMP)
    registered = sources["registration"]
    firms = registered.loc[registered["registration_date"] < STAMP, "uscc"].head(3).tolist()
    noisy = dict(cut)
    for firm in firms:
        for kind, rows in future_rows(records, firm).items():
            noisy[kind] = pd.concat([noisy[kind], rows], ignore_index=True)
    pd.testing.assert_frame_equal(
        build_features(cut, as_of=AS_OF), build_features(noisy, as_of=AS_OF)
    )


def test_enterprises_registered_on_or_after_the_as_of_date_have_no_features(
    sources: dict[str, pd.DataFrame],
) -> None:
    registered = sources["registration"].set_index("uscc")["registration_date"]
    features = build_features(sources, as_of=AS_OF)
    later = registered[registered >= STAMP].index
    assert len(later) > 0
    assert features.loc[later].isna().all().all()
    assert features.loc[registered[registered < STAMP].index, "reg_age_months"].notna().all()


def test_the_build_is_pure(sources: dict[str, pd.DataFrame]) -> None:
    before = {kind: frame.copy(deep=True) for kind, frame in sources.items()}
    first = build_features(sources, as_of=AS_OF)
    for kind, frame in sources.items():
        pd.testing.assert_frame_equal(frame, before[kind])
    pd.testing.assert_frame_equal(first, build_features(sources, as_of=AS_OF))
