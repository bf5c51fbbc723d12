import numpy as np
import pytest

from scoring.model import calibration, metrics
from scoring.model.calibration import IsotonicCalibrator, fit_logistic


def test_auc_and_ks_on_known_cases() -> None:
    y = np.array([0, 0, 1, 1])
    assert metrics.auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert metrics.auc(y, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert metrics.auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert metrics.ks(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert np.isnan(metrics.auc(np.array([0, 0]), np.array([0.1, 0.2])))


def test_brier() -> None:
    assert metrics.brier(np.array([0, 1]), np.array([0.0, 1.0])) == 0.0
    assert metrics.brier(np.array([0, 1]), np.array([0.5, 0.5])) == pytest.approx(0.25)


def test_logistic_fit_recovers_slope_and_intercept() -> None:
    rng = np.random.default_rng(3)
    raw = rng.normal(size=80000)
    label = rng.random(80000) < 1 / (1 + np.exp(-(raw * 1.5 - 3)))
    fitted = fit_logistic(raw, label)
    assert fitted.slope == pytest.approx(1.5, abs=0.05)
    assert fitted.intercept == pytest.approx(-3, abs=0.05)


def test_calibrated_rates_match_observed_by_decile() -> None:
    rng = np.random.default_rng(3)
    raw = rng.normal(size=80000)
    true_pd = 1 / (1 + np.exp(-(raw * 1.5 - 3)))
    label = rng.random(80000) < true_pd
    calibrator = fit_logistic(raw[:40000], label[:40000])
    table = metrics.calibration_by_decile(label[40000:], calibrator(raw[40000:]))
    assert len(table) == 10 and metrics.calibration_error(table) < 0.015


def test_logistic_fit_stays_finite_when_the_margin_separates_the_classes() -> None:
    fitted = fit_logistic(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0, 0, 1, 1]))
    assert np.isfinite(fitted.slope) and fitted.slope > 0
    assert fitted(np.array([-2.0]))[0] < 0.5 < fitted(np.array([2.0]))[0]


@pytest.mark.parametrize(
    "fitted",
    [
        fit_logistic(np.array([0.0, 1.0, 2.0, 3.0]), np.array([0, 1, 0, 1])),
        # Versions registered with an isotonic calibrator still load.
        IsotonicCalibrator(thresholds=(0.0, 1.0, 3.0), values=(0.1, 0.5, 0.5)),
    ],
    ids=["logistic", "isotonic"],
)
def test_calibrator_round_trips_through_json(fitted: calibration.Calibrator) -> None:
    again = calibration.from_json(fitted.to_json())
    assert again(np.array([0.5, 1.5])).tolist() == fitted(np.array([0.5, 1.5])).tolist()


def test_unknown_calibration_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown calibration kind 'spline'"):
        calibration.from_json({"kind": "spline"})
