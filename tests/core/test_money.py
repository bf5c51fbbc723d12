from decimal import Decimal

import pytest

from app.core.money import fen_to_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("amount", "fen"),
    [
        ("0", 0),
        ("1", 100),
        ("1234.5", 123450),
        ("0.01", 1),
        (Decimal("99.99"), 9999),
        (7, 700),
        ("1,000.00", 100000),
        (" 3.10 ", 310),
    ],
)
def test_yuan_to_fen(amount: object, fen: int) -> None:
    assert yuan_to_fen(amount) == fen  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("0.001", "more than two decimals"),
        ("-1", "negative"),
        ("abc", "not an amount"),
        ("NaN", "not an amount"),
        ("Infinity", "not an amount"),
        (0.1, "float"),
        ("1e30", "implausibly large"),
    ],
)
def test_bad_amounts(amount: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        yuan_to_fen(amount)  # type: ignore[arg-type]


def test_fen_to_yuan_is_exact() -> None:
    assert fen_to_yuan(123450) == Decimal("1234.50")
