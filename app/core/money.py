"""Money is integer fen (分). Amounts arrive as yuan strings or Decimals, never floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_FEN = 10**17  # far above any enterprise's figures, well inside a signed 64-bit integer


def yuan_to_fen(amount: Decimal | str | int) -> int:
    """Integer fen for a yuan amount with at most two decimals; ValueError otherwise."""
    if isinstance(amount, float):
        raise ValueError("money must not be a float")
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation as error:
        raise ValueError(f"{amount!r} is not an amount of money") from error
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount of money")
    if value < 0:
        raise ValueError("an amount of money cannot be negative")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount!r} has more than two decimals")
    if fen > MAX_FEN:
        raise ValueError(f"{amount!r} is implausibly large")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    """The yuan amount for integer fen, exact."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))
