"""The run-out forecast's Monte Carlo alone: its statistics against what can be worked out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lenders.fund.forecast_sim import (
    Exposure,
    Parameters,
    default_months,
    monthly_hazard,
    simulate,
)

PLENTY = 10**15  # capital no payout can reach


def book(
    n: int, *, pd: float, ead_fen: int = 1_000_000_00, months_left: int = 120
) -> list[Exposure]:
    return [Exposure(ead_fen=ead_fen, annual_pd=pd, ratio_bp=4000, months_left=months_left)] * n


def knobs(**changes: int) -> Parameters:
    return Parameters(**{"paths": 2000, "horizon_months": 24, "lgd_bp": 6000, "seed": 7, **changes})


def test_the_monthly_hazard_compounds_to_the_annual_pd() -> None:
    annual = np.array([0.0, 0.02, 0.3, 1.0])
    hazard = monthly_hazard(annual)
    assert np.allclose(1 - (1 - hazard) ** 12, annual)
    assert hazard[0] == 0.0 and hazard[-1] == 1.0


def test_default_months_are_geometric_with_the_hazard() -> None:
    rng = np.random.default_rng(1)
    months = default_months(1 - rng.random(200_000), np.full(200_000, 0.1))
    # P(month = 1) = h, P(month = 2) = (1 - h) h, mean 1 / h.
    assert abs(np.mean(months == 1) - 0.1) < 0.003
    assert abs(np.mean(months == 2) - 0.09) < 0.003
    assert abs(months.mean() - 10) < 0.1


def test_no_payout_when_every_pd_is_zero() -> None:
    outcome = simulate(book(50, pd=0.0), capital_fen=1_000_00, parameters=knobs())
    assert outcome.expected_total_fen == 0
    assert all(m.expected_payout_fen == 0 and m.payout_p95_fen == 0 for m in outcome.months)
    assert outcome.runout_probability_bp == 0 and outcome.median_runout_month is None
    assert outcome.months[-1].expected_remaining_fen == 1_000_00


def test_pd_one_and_lgd_one_pay_the_ratio_of_what_is_owed_in_month_one() -> None:
    loans = [
        Exposure(ead_fen=300_000_00, annual_pd=1.0, ratio_bp=4000, months_left=12),
        Exposure(ead_fen=100_000_00, annual_pd=1.0, ratio_bp=5000, months_left=12),
    ]
    outcome = simulate(loans, capital_fen=PLENTY, parameters=knobs(lgd_bp=10_000))
    first = outcome.months[0]
    assert first.expected_payout_fen == first.payout_p5_fen == first.payout_p95_fen
    assert first.expected_payout_fen == 120_000_00 + 50_000_00
    assert all(m.expected_payout_fen == 0 for m in outcome.months[1:])


def test_pd_one_payouts_are_capped_at_the_capital_and_it_runs_out_in_month_one() -> None:
    outcome = simulate(book(10, pd=1.0), capital_fen=1_000_000_00, parameters=knobs(lgd_bp=10_000))
    # Ten defaults ask 4,000,000 yuan of a fund holding 1,000,000: it pays what it has.
    assert outcome.months[0].expected_payout_fen == 1_000_000_00
    assert outcome.expected_total_fen == 1_000_000_00
    assert outcome.months[0].expected_remaining_fen == 0
    assert outcome.runout_probability_bp == 10_000 and outcome.median_runout_month == 1


def test_the_expected_total_is_the_analytic_sum_within_monte_carlo_error() -> None:
    rng = np.random.default_rng(3)
    pds = rng.uniform(0.01, 0.2, 400)
    eads = rng.integers(100_000_00, 3_000_000_00, 400)
    loans = [
        Exposure(ead_fen=int(e), annual_pd=float(p), ratio_bp=4000, months_left=120)
        for p, e in zip(pds, eads, strict=True)
    ]
    outcome = simulate(loans, capital_fen=PLENTY, parameters=knobs(horizon_months=12, paths=4000))
    amounts = eads * 0.4 * 0.6
    analytic = float(np.sum(pds * amounts))  # 12 months: the chance of default is the PD itself
    sd_per_path = math.sqrt(float(np.sum(pds * (1 - pds) * amounts**2)))
    assert abs(outcome.expected_total_fen - analytic) < 4 * sd_per_path / math.sqrt(4000)
    # And over 24 months the chance is 1 - (1 - PD)².
    two_years = simulate(loans, capital_fen=PLENTY, parameters=knobs(paths=4000))
    analytic_24 = float(np.sum((1 - (1 - pds) ** 2) * amounts))
    assert abs(two_years.expected_total_fen - analytic_24) < 4 * sd_per_path * 1.5 / math.sqrt(4000)


def test_the_band_holds_the_mean_and_widens_cumulatively() -> None:
    outcome = simulate(book(2000, pd=0.1), capital_fen=PLENTY, parameters=knobs())
    for month in outcome.months:
        assert month.payout_p5_fen <= month.expected_payout_fen <= month.payout_p95_fen
        assert month.cumulative_p5_fen <= month.expected_cumulative_fen <= month.cumulative_p95_fen
        assert month.payout_p5_fen < month.payout_p95_fen
    cumulative = [m.expected_cumulative_fen for m in outcome.months]
    assert cumulative == sorted(cumulative) and cumulative[-1] == outcome.expected_total_fen


def test_no_default_after_a_loan_s_maturity() -> None:
    outcome = simulate(book(500, pd=0.5, months_left=3), capital_fen=PLENTY, parameters=knobs())
    assert all(m.expected_payout_fen > 0 for m in outcome.months[:3])
    assert all(m.expected_payout_fen == 0 for m in outcome.months[3:])


def test_a_known_claim_is_paid_in_month_one_whatever_the_lgd() -> None:
    claim = Exposure(ead_fen=1, annual_pd=0.0, ratio_bp=1, months_left=1, claim_fen=160_000_00)
    outcome = simulate([claim], capital_fen=PLENTY, parameters=knobs(lgd_bp=100))
    assert outcome.months[0].payout_p5_fen == 160_000_00
    assert outcome.expected_total_fen == 160_000_00


def test_the_run_out_month_of_a_constructed_case() -> None:
    # Four certain defaults of 250 yuan each (ratio and LGD 1) against 1,000 yuan of capital.
    loans = [Exposure(ead_fen=250_00, annual_pd=1.0, ratio_bp=10_000, months_left=1)] * 4
    outcome = simulate(loans, capital_fen=1_000_00, parameters=knobs(lgd_bp=10_000))
    # 4 × 250 = 1,000: the demand reaches the capital in month 1 exactly.
    assert outcome.median_runout_month == 1 and outcome.runout_probability_bp == 10_000
    three = simulate(loans[:3], capital_fen=1_000_00, parameters=knobs(lgd_bp=10_000))
    assert three.median_runout_month is None and three.runout_probability_bp == 0
    assert three.months[-1].expected_remaining_fen == 250_00


def test_the_median_run_out_month_follows_a_steady_stream_of_defaults() -> None:
    # Hazard 0.5 a month on 1,000 loans of 1 yuan each (ratio and LGD 1): half the survivors
    # default each month, so cumulative payouts pass 900 yuan when 1 - 0.5^m > 0.9, at m = 4.
    hazard_pd = 1 - 0.5**12
    loans = [Exposure(ead_fen=100, annual_pd=hazard_pd, ratio_bp=10_000, months_left=120)] * 1000
    outcome = simulate(loans, capital_fen=900_00, parameters=knobs(lgd_bp=10_000, paths=500))
    assert outcome.median_runout_month == 4
    assert outcome.months[2].runout_probability_bp < 1000 < outcome.months[3].runout_probability_bp
    assert outcome.runout_probability_bp == 10_000


def test_the_same_seed_gives_the_same_figures_and_another_seed_others() -> None:
    loans = book(300, pd=0.08)
    first = simulate(loans, capital_fen=50_000_000_00, parameters=knobs())
    again = simulate(loans, capital_fen=50_000_000_00, parameters=knobs())
    other = simulate(loans, capital_fen=50_000_000_00, parameters=knobs(seed=8))
    assert first == again
    assert first.months != other.months


def test_every_figure_is_whole_fen() -> None:
    outcome = simulate(book(30, pd=0.3, ead_fen=333_33), capital_fen=PLENTY, parameters=knobs())
    for month in outcome.months:
        for name, value in vars(month).items():
            assert type(value) is int, name


@pytest.mark.parametrize(("paths", "horizon"), [(0, 24), (100, 0)])
def test_sizes_below_one_are_refused(paths: int, horizon: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        simulate(
            book(1, pd=0.1), capital_fen=1, parameters=knobs(paths=paths, horizon_months=horizon)
        )
