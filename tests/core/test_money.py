"""The one yuan grammar: what it reads, and what it refuses, as a function."""

from decimal import Decimal

import pytest

from app.core.money import fen_to_yuan, yuan_to_fen
from tests.money_cases import BAD_YUAN, GOOD_YUAN


@pytest.mark.parametrize(("amount", "fen"), GOOD_YUAN)
def test_yuan_to_fen(amount: str, fen: int) -> None:
    assert yuan_to_fen(amount) == fen


def test_whole_yuan_integers_are_exact() -> None:
    assert yuan_to_fen(7) == 700


@pytest.mark.parametrize("amount", BAD_YUAN)
def test_bad_amounts_are_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="金额"):
        yuan_to_fen(amount)


@pytest.mark.parametrize(
    ("amount", "reason"),
    [(0.1, "浮点数"), (True, "不是金额"), (Decimal("1.00"), "不是金额"), (-1, "负数")],
)
def test_values_that_are_not_text_or_whole_yuan_are_refused(amount: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        yuan_to_fen(amount)  # type: ignore[arg-type]


def test_a_negative_amount_only_where_allowed() -> None:
    with pytest.raises(ValueError, match="负数"):
        yuan_to_fen("-1.50")
    assert yuan_to_fen("-1.50", allow_negative=True) == -150
    with pytest.raises(ValueError, match="不是金额"):
        yuan_to_fen("--1", allow_negative=True)


def test_fen_to_yuan_is_exact() -> None:
    assert fen_to_yuan(123450) == Decimal("1234.50")
