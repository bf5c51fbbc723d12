import math

import numpy as np

from scoring.model.scale import ScoreScale


def test_600_points_at_50_to_1_and_20_points_to_double() -> None:
    scale = ScoreScale()
    pd_at_50_to_1 = 1 / 51
    pd_at_100_to_1 = 1 / 101
    assert scale.points(np.array([pd_at_50_to_1]))[0] == 600
    assert scale.points(np.array([pd_at_100_to_1]))[0] == 620
    assert math.isclose(scale.factor, 20 / math.log(2))


def test_points_fall_as_pd_rises_and_stay_finite_at_the_edges() -> None:
    points = ScoreScale().points(np.array([0.0, 0.001, 0.01, 0.1, 0.5, 1.0]))
    assert list(points) == sorted(points, reverse=True)


def test_grades_follow_the_cutoffs() -> None:
    grades = ScoreScale().grades(np.array([0.001, 0.005, 0.01, 0.03, 0.05, 0.2]))
    assert grades.tolist() == ["A", "B", "B", "C", "D", "E"]
