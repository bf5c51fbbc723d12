"""The synthetic city: contracts, determinism, missingness, injected errors and the truth."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from app.enterprises import uscc
from scoring.synthetic.city import CityParams, CitySummary, generate_city
from scoring.synthetic.health import HealthModel, hazard, lookup_pd, pd_table
from scoring.synthetic.registry import CitySpec
from scoring.synthetic.truth import default_rate, oracle_auc, rank_auc

CONTRACTS = {
    "registration": [
        "uscc", "name", "entity_type", "status", "registration_date", "registered_capital_yuan",
        "industry_section", "industry_division", "district", "headcount", "annual_revenue_yuan",
        "legal_representative",
    ],
    "public_credit_events": [
        "event_id", "uscc", "kind", "event_date", "department", "publicity_start",
        "publicity_end", "amount_yuan", "severity", "repaired", "removed",
    ],
    "utility_monthly": [
        "uscc", "month", "electricity_kwh", "water_m3", "gas_m3", "billed_yuan", "arrears_yuan",
    ],
    "tax_monthly": ["uscc", "month", "tax_paid_yuan", "invoiced_sales_yuan", "arrears_yuan"],
    "tax_grade": ["uscc", "year", "grade"],
    "social_security_monthly": [
        "uscc", "month", "insured_headcount", "contributions_due_yuan",
        "contributions_paid_yuan", "months_in_arrears",
    ],
    "housing_fund_monthly": ["uscc", "month", "headcount", "contributions_yuan"],
    "intellectual_property": ["record_id", "uscc", "kind", "granted_date", "pledge_amount_yuan"],
    "loan_outcomes": [
        "loan_id", "uscc", "lender_code", "disbursement_date", "principal_yuan", "term_months",
        "report_month", "balance_yuan", "days_past_due", "defaulted",
    ],
}  # fmt: skip
MONTHLY = {
    "utility_monthly": "month",
    "tax_monthly": "month",
    "social_security_monthly": "month",
    "housing_fund_monthly": "month",
    "loan_outcomes": "report_month",
}
DATED = {
    "public_credit_events": "event_date",
    "intellectual_property": "granted_date",
    "loan_outcomes": "disbursement_date",
}
MONEY = re.compile(r"^\d+\.\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read(out_dir: Path, source: str) -> pd.DataFrame:
    encoding = "gb18030" if source == "public_credit_events" else "utf-8"
    return pd.read_csv(
        out_dir / f"{source}.csv", dtype=str, keep_default_na=False, encoding=encoding
    )


def digests(out_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out_dir.iterdir())}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CitySummary]:
    """3,000 enterprises over 36 months at the default error rate."""
    out_dir = tmp_path_factory.mktemp("city")
    return out_dir, generate_city(CitySpec(enterprises=3000), months=36, out_dir=out_dir)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CitySummary]:
    """1,000 enterprises without injected errors."""
    out_dir = tmp_path_factory.mktemp("clean")
    spec = CitySpec(enterprises=1000, seed=7)
    params = CityParams(error_rate=0.0)
    return out_dir, generate_city(spec, months=36, out_dir=out_dir, params=params)


def test_same_spec_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    spec = CitySpec(enterprises=300)
    for name, chosen in (("a", spec), ("b", spec), ("c", replace(spec, seed=spec.seed + 1))):
        generate_city(chosen, months=24, out_dir=tmp_path / name)
    first, again, other = (digests(tmp_path / n) for n in "abc")
    assert len(first) == len(CONTRACTS) + 1
    assert first == again
    assert all(first[name] != other[name] for name in first)


def test_parquet_is_deterministic_and_all_strings(tmp_path: Path) -> None:
    spec = CitySpec(enterprises=200)
    for name in "ab":
        generate_city(spec, months=18, out_dir=tmp_path / name, file_format="parquet")
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    for source, columns in CONTRACTS.items():
        schema = pq.read_schema(tmp_path / "a" / f"{source}.parquet")
        assert schema.names == columns
        assert {str(t) for t in schema.types} == {"string"}


def test_every_source_has_exactly_its_contract_columns(city: tuple[Path, CitySummary]) -> None:
    out_dir, summary = city
    for source, columns in CONTRACTS.items():
        assert list(read(out_dir, source).columns) == columns, source
        assert summary.rows[source] == len(read(out_dir, source))
    truth = pq.read_schema(out_dir / "truth.parquet")
    assert truth.names == ["uscc", "month", "health", "pd_12m", "borrower", "default_within_12m"]


def test_public_credit_events_are_gb18030_with_chinese_departments(
    city: tuple[Path, CitySummary],
) -> None:
    raw = (city[0] / "public_credit_events.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert "市场监管局" in text and "法院" in text and "税务局" in text


def test_months_end_before_as_of(city: tuple[Path, CitySummary]) -> None:
    out_dir, summary = city
    assert summary.months[0] == "2023-11" and summary.months[-1] == "2026-10"
    assert summary.snapshot_month == "2025-10"
    assert set(read(out_dir, "tax_grade")["year"]) == {"2024", "2025"}


def test_no_rows_before_registration(clean: tuple[Path, CitySummary]) -> None:
    out_dir, summary = clean
    registered = read(out_dir, "registration").set_index("uscc")["registration_date"]
    for source, column in MONTHLY.items():
        frame = read(out_dir, source)
        assert set(frame[column]) <= set(summary.months), source
        assert (frame[column] + "-01" >= frame["uscc"].map(registered)).all(), source
    for source, column in DATED.items():
        frame = read(out_dir, source)
        assert (frame[column] >= frame["uscc"].map(registered)).all(), source
    truth = pd.read_parquet(out_dir / "truth.parquet")
    assert (truth["month"] + "-01" >= truth["uscc"].map(registered)).all()


def test_missing_sources_stay_missing(clean: tuple[Path, CitySummary]) -> None:
    out_dir, _ = clean
    registration = read(out_dir, "registration")
    on_record = set(pd.read_parquet(out_dir / "truth.parquet")["uscc"])
    individual = set(registration.loc[registration["entity_type"] == "individual_business", "uscc"])
    for source in ("utility_monthly", "tax_monthly", "social_security_monthly"):
        present = set(read(out_dir, source)["uscc"])
        assert on_record - present, f"every firm on record has {source}"
        assert len(individual - present) / len(individual) > 0.2, source
    housing = set(read(out_dir, "housing_fund_monthly")["uscc"])
    assert len(housing & individual) < 0.1 * len(individual)
    utility = read(out_dir, "utility_monthly")
    no_gas = utility.groupby("uscc")["gas_m3"].agg(lambda v: (v == "").all())
    assert 0.3 < no_gas.mean() < 0.95
    partly = utility.groupby("uscc")["gas_m3"].agg(lambda v: (v == "").any() and (v != "").any())
    assert not partly.any()
    assert (utility["water_m3"] == "").any() and (utility["electricity_kwh"] != "").all()


def test_default_rate_and_oracle_auc_in_range(city: tuple[Path, CitySummary]) -> None:
    out_dir, summary = city
    truth = pd.read_parquet(out_dir / "truth.parquet")
    month = summary.snapshot_month
    assert 0.02 <= default_rate(truth, month=month) <= 0.08
    assert 0.80 <= oracle_auc(truth, month=month) <= 0.92
    assert summary.default_rate == default_rate(truth, month=month)
    assert summary.oracle_auc == oracle_auc(truth, month=month)
    assert summary.borrowers > 300


def test_counted_defaults_are_loan_events(city: tuple[Path, CitySummary]) -> None:
    out_dir, _ = city
    loans = read(out_dir, "loan_outcomes")
    first_default = loans[loans["days_past_due"] == "90"].groupby("uscc")["report_month"].min()
    truth = pd.read_parquet(out_dir / "truth.parquet")
    labelled = truth[truth["default_within_12m"].notna()]
    event = labelled["uscc"].map(first_default)
    end = (pd.PeriodIndex(labelled["month"], freq="M") + 12).astype(str)
    expected = event.notna() & (event > labelled["month"]) & (event <= end)
    assert (expected == labelled["default_within_12m"].astype(bool)).all()
    assert (truth.loc[truth["month"] >= truth["uscc"].map(first_default), "borrower"] == 0).all()


def test_past_due_only_on_the_way_to_a_default(clean: tuple[Path, CitySummary]) -> None:
    """30 days past due starts a delinquency that is 60 next month and 90 the month after."""
    out_dir, summary = clean
    loans = read(out_dir, "loan_outcomes")
    month = pd.PeriodIndex(loans["report_month"], freq="M")
    dpd = loans.set_index(["loan_id", month.astype(str)])["days_past_due"]
    late = loans[loans["days_past_due"].isin(["30", "60"])]
    assert len(late)
    steps = 3 - late["days_past_due"].astype(int) // 30  # months until 90
    then = (pd.PeriodIndex(late["report_month"], freq="M") + steps.to_numpy()).astype(str)
    seen = then <= summary.months[-1]
    assert seen.any()
    follows = dpd.reindex(list(zip(late["loan_id"][seen], then[seen], strict=True)))
    assert (follows == "90").all()
    first = loans[loans["days_past_due"] != "0"].groupby("loan_id")["days_past_due"].first()
    assert set(first) == {"30"}  # every delinquency starts at 30 days past due


def test_pd_is_one_while_past_due(clean: tuple[Path, CitySummary]) -> None:
    out_dir, _ = clean
    loans = read(out_dir, "loan_outcomes")
    late = loans[loans["days_past_due"].isin(["30", "60"])][["uscc", "report_month"]]
    truth = pd.read_parquet(out_dir / "truth.parquet")
    rows = truth.merge(late, left_on=["uscc", "month"], right_on=["uscc", "report_month"])
    assert len(rows) and rows["borrower"].all()
    assert (rows["pd_12m"] == 1.0).all()
    others = truth[truth["borrower"]].merge(
        late, how="left", left_on=["uscc", "month"], right_on=["uscc", "report_month"]
    )
    assert (others.loc[others["report_month"].isna(), "pd_12m"] < 1.0).all()


def test_rank_auc_matches_pairs() -> None:
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 5, 200).astype(float)
    labels = rng.random(200) < 0.3
    pos, neg = scores[labels], scores[~labels]
    pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert rank_auc(scores, labels) == pytest.approx(pairs)


def test_pd_table_matches_monte_carlo() -> None:
    model = HealthModel()
    table = pd_table(model)
    rng = np.random.default_rng(5)
    paths = 40_000
    for start, mu_index in ((-1.5, 50), (0.0, 30), (1.0, 70)):
        mu = -model.mu_limit + model.mu_step * mu_index
        d = np.full(paths, start)
        survived = np.ones(paths, dtype=bool)
        for _ in range(model.horizon):
            jumps = rng.normal(model.shock_mean, model.shock_sd, paths)
            d = model.phi * d + rng.normal(0, model.sigma, paths)
            d += jumps * (rng.random(paths) < model.shock_rate)
            survived &= rng.random(paths) >= hazard(model, mu + d)
        simulated = 1 - survived.mean()
        exact = lookup_pd(
            table,
            deviation=np.array([start]),
            mu_index=np.array([mu_index]),
            delay=np.array([False]),
        )[0]
        assert abs(simulated - exact) < 4 * np.sqrt(exact * (1 - exact) / paths) + 1e-3


def test_injected_errors_are_counted_and_findable(city: tuple[Path, CitySummary]) -> None:
    out_dir, summary = city
    registry_bad = {
        c[:17] for c in read(out_dir, "registration")["uscc"] if not uscc.check(c).is_valid
    }
    for source, kinds in summary.errors.items():
        frame = read(out_dir, source)
        assert kinds and all(count > 0 for count in kinds.values()), source
        failing = frame["uscc"].map(lambda c: not uscc.check(c).is_valid)
        outside = failing & ~frame["uscc"].str[:17].isin(registry_bad)
        assert outside.sum() <= kinds["bad_check_char"] <= failing.sum(), source
        damaged = outside.copy()
        if source in MONTHLY:
            bad_month = ~frame[MONTHLY[source]].isin(summary.months)
            assert bad_month.sum() == kinds["bad_month"], source
            damaged |= bad_month
        if "malformed_date" in kinds:
            column = {"registration": "registration_date", **DATED}[source]
            bad_date = ~frame[column].str.match(DATE) | (frame[column] == "2024-13-45")
            assert bad_date.sum() == kinds["malformed_date"], source
            damaged |= bad_date
        # Damaged rows of one firm may coincide; copies are made of undamaged rows only.
        assert frame[~damaged].duplicated().sum() == kinds["duplicate_row"], source
    utility = read(out_dir, "utility_monthly")["electricity_kwh"]
    assert (
        utility.isin(["-5", "1000000000000"]).sum()
        == summary.errors["utility_monthly"]["absurd_reading"]
    )
    registration = read(out_dir, "registration")
    assert (registration["district"] == "330599").sum() == summary.errors["registration"][
        "unknown_district"
    ]


def test_no_errors_when_disabled(clean: tuple[Path, CitySummary]) -> None:
    out_dir, summary = clean
    assert all(count == 0 for kinds in summary.errors.values() for count in kinds.values())
    assert not read(out_dir, "utility_monthly").duplicated().any()


def test_money_is_two_decimal_yuan(city: tuple[Path, CitySummary]) -> None:
    out_dir, _ = city
    for source, columns in CONTRACTS.items():
        frame = read(out_dir, source)
        for column in (c for c in columns if c.endswith("_yuan")):
            values = frame[column]
            assert values[values != ""].str.match(MONEY).all(), (source, column)
            assert (values != "").any(), (source, column)


def test_status_follows_the_health_path(clean: tuple[Path, CitySummary]) -> None:
    out_dir, summary = clean
    status = read(out_dir, "registration").set_index("uscc")["status"]
    loans = read(out_dir, "loan_outcomes")
    defaulted = loans[loans["days_past_due"] == "90"].groupby("uscc")["report_month"].min()
    truth = pd.read_parquet(out_dir / "truth.parquet")
    last = truth.loc[truth.groupby("uscc")["month"].idxmax()].set_index("uscc")
    revoked = status.index[status == "revoked"]
    deregistered = status.index[status == "deregistered"]
    assert len(revoked) and len(deregistered)
    six_after = (pd.PeriodIndex(defaulted[revoked], freq="M") + 6).astype(str)
    assert (last.loc[revoked, "month"].to_numpy() == six_after.to_numpy()).all()
    assert not set(deregistered) & set(loans["uscc"])
    assert (last.loc[deregistered, "health"] < -2.6).all()
    active = last.index[last.index.map(status) == "active"]
    assert (last.loc[active, "month"] == summary.months[-1]).all()


def test_no_firm_predates_the_registry_even_at_city_scale() -> None:
    from scoring.synthetic.registry import registration_records

    # seed 20261124 drew two firms older than 1949 before the tail was capped
    records = registration_records(CitySpec(enterprises=115_000, seed=20261124))
    assert min(r["registration_date"] for r in records) >= "1949-10-01"
