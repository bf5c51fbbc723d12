"""The five-tier class of a loan at filing: by days past due, at least 次级 once defaulted."""

from __future__ import annotations

import pytest

from lenders.fund.classification import by_days_past_due, of_loan
from lenders.fund.models import RiskClass


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, RiskClass.NORMAL),
        (1, RiskClass.SPECIAL_MENTION),
        (90, RiskClass.SPECIAL_MENTION),
        (91, RiskClass.SUBSTANDARD),
        (180, RiskClass.SUBSTANDARD),
        (181, RiskClass.DOUBTFUL),
        (360, RiskClass.DOUBTFUL),
        (361, RiskClass.LOSS),
        (36_500, RiskClass.LOSS),
    ],
)
def test_days_past_due_give_the_class_at_each_edge(days: int, expected: RiskClass) -> None:
    assert by_days_past_due(days) is expected
    assert of_loan(days_past_due=days, defaulted=False) is expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, RiskClass.SUBSTANDARD),
        (45, RiskClass.SUBSTANDARD),
        (120, RiskClass.SUBSTANDARD),
        (200, RiskClass.DOUBTFUL),
        (400, RiskClass.LOSS),
    ],
)
def test_a_defaulted_loan_is_at_least_substandard(days: int, expected: RiskClass) -> None:
    assert of_loan(days_past_due=days, defaulted=True) is expected


def test_classes_are_ranked_from_normal_to_loss() -> None:
    assert [c.rank for c in RiskClass] == [0, 1, 2, 3, 4]
    assert RiskClass.DOUBTFUL.rank > RiskClass.SUBSTANDARD.rank
