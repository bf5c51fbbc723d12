import numpy as np
import pytest

from scoring.model import metrics
from scoring.model.calibration import IsotonicCalibrator, fit_isotonic


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


def test_isotonic_pools_violators_and_is_monotone() -> None:
    raw = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    label = np.array([0, 1, 0, 0, 1, 1])
    calibrator = fit_isotonic(raw, label, floor=0.0)
    values = calibrator(raw)
    assert np.all(np.diff(values) >= 0)
    assert values[0] == 0.0 and values[-1] == 1.0
    assert values[2] == pytest.approx(1 / 3)  # the pooled block 2–4, read at its centre


def test_calibrated_rates_match_observed_by_decile() -> None:
    rng = np.random.default_rng(3)
    raw = rng.normal(size=80000)
    true_pd = 1 / (1 + np.exp(-(raw * 1.5 - 3)))
    label = rng.random(80000) < true_pd
    calibrator = fit_isotonic(raw[:40000], label[:40000])
    table = metrics.calibration_by_decile(label[40000:], calibrator(raw[40000:]))
    assert len(table) == 10 and metrics.calibration_error(table) < 0.015


def test_calibrator_round_trips_through_json() -> None:
    calibrator = fit_isotonic(np.array([0.0, 1.0, 2.0]), np.array([0, 0, 1]))
    again = IsotonicCalibrator.from_json(calibrator.to_json())
    assert again(np.array([0.5, 1.5])).tolist() == calibrator(np.array([0.5, 1.5])).tolist()
