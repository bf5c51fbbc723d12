"""Money is integer fen (分). This module is the one parser of yuan, for the API and source files.

Grammar of a yuan amount (text, or a JSON integer of whole yuan):

    amount  = ["-"] digits ["." decimals]      "-" only where a negative amount is allowed
    digits  = 1 to 15 of 0-9                   ASCII only
    decimals = 1 or 2 of 0-9

Refused, never guessed: an exponent ("1e3"), underscores ("1_000"), commas ("1,50" means 1.50
to a decimal-comma writer and 150 to a thousands writer), "+", spaces anywhere (callers strip
a cell or field before parsing, if at all), full-width ("１２") and other Unicode digits
("١٢"), "NaN" and "Infinity", JSON floats and booleans. No amount allows a negative today.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

if TYPE_CHECKING:
    import pandas as pd

MAX_DIGITS = 15  # 10¹⁵ yuan: far above any enterprise's figures, well inside a signed 64-bit fen
MAX_FEN = 10**MAX_DIGITS * 100 - 1
# 1亿 yuan: the ceiling of one financing amount (a need, a product's range, an approval, a loan, a
# repayment). It is above any small or medium enterprise's single financing need (普惠小微 loans
# are at most 1000万 per borrower), so an amount past it is a slip of the keyboard, not a request.
MAX_AMOUNT_FEN = 100_000_000 * 100
# [0-9], not \d: \d matches every script's digits in Python's re.
YUAN_PATTERN = rf"[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{1,2}})?"
SIGNED_YUAN_PATTERN = "-?" + YUAN_PATTERN
_YUAN = re.compile(YUAN_PATTERN)
_SIGNED_YUAN = re.compile(SIGNED_YUAN_PATTERN)
_TOO_LONG = re.compile(r"-?[0-9]+(?:\.[0-9]{1,2})?")
FORMAT_HINT = (
    '金额须写作元，如 "1234.56"：只用 ASCII 数字 0-9，最多两位小数，'
    "不用逗号、空格、下划线、指数或全角数字 (yuan: ASCII digits, at most two decimals)"
)


def yuan_to_fen(amount: str | int, *, allow_negative: bool = False) -> int:
    """Integer fen for a yuan amount in the grammar above; ValueError (in Chinese) if not."""
    if isinstance(amount, float):
        raise ValueError('金额不能是 JSON 浮点数（float，不精确）；请写成字符串，如 "1234.56"')
    if isinstance(amount, bool) or not isinstance(amount, str | int):
        raise ValueError(f"{amount!r} 不是金额；{FORMAT_HINT}")
    text = str(amount)
    if text.startswith("-") and not allow_negative and _SIGNED_YUAN.fullmatch(text):
        raise ValueError("金额不能为负数")
    if not (_SIGNED_YUAN if allow_negative else _YUAN).fullmatch(text):
        if _TOO_LONG.fullmatch(text):
            raise ValueError(f"金额 {text} 元大得不合理（整数部分最多 {MAX_DIGITS} 位）")
        raise ValueError(f"{text!r} 不是金额；{FORMAT_HINT}")
    whole, _, decimals = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (int(whole.lstrip("-")) * 100 + int(decimals.ljust(2, "0") or "0"))


def fen_to_yuan(fen: int) -> Decimal:
    """The yuan amount for integer fen, exact."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _check_yuan(value: Any) -> Any:
    # Surrounding whitespace goes, as source-file cells are stripped; inside, none is allowed.
    text = value.strip() if isinstance(value, str) else value
    yuan_to_fen(text)  # raises ValueError with the reason
    return text


# A yuan amount in a request body or query: the text (or integer) the caller sent, checked by the
# grammar; read it with yuan_to_fen. Ranges (more than 0, a ceiling) are each field's own.
YuanInput = Annotated[
    str | int,
    BeforeValidator(_check_yuan),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": f"^{YUAN_PATTERN}$", "examples": ["500000.00"]},
                {"type": "integer", "minimum": 0, "maximum": 10**MAX_DIGITS - 1},
            ],
            "description": 'yuan as text, e.g. "500000.00" (ASCII digits, ≤ 2 decimals)',
        }
    ),
]


def _check_amount_or_zero(value: str | int) -> str | int:
    fen = yuan_to_fen(value)  # the grammar is checked already; this is the ceiling
    if fen > MAX_AMOUNT_FEN:
        raise ValueError(f"金额不能超过 {fen_to_yuan(MAX_AMOUNT_FEN)} 元")
    return value


def _check_amount(value: str | int) -> str | int:
    if yuan_to_fen(value) <= 0:  # the grammar is checked already; this is the range
        raise ValueError("金额必须大于 0")
    return _check_amount_or_zero(value)


# A financing amount in yuan (YuanInput's grammar): more than 0, at most MAX_AMOUNT_FEN.
Yuan = Annotated[YuanInput, AfterValidator(_check_amount)]
# The same, where 0 is a real answer (a repayment's principal or interest).
YuanOrZero = Annotated[YuanInput, AfterValidator(_check_amount_or_zero)]


def yuan_column_to_fen(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Fen (Int64, missing where refused) and the well-formed mask for a column of yuan text.

    The same grammar as ``yuan_to_fen`` (non-negative), vectorised for city-scale files.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    shaped = texts.str.fullmatch(YUAN_PATTERN).fillna(False).astype(bool)
    text = texts.where(shaped)
    # "123.4" → 1234 × 10^(2 − 1): digits without the point, scaled by the decimals written.
    dot = text.str.find(".")
    decimals = (text.str.len() - dot - 1).where(dot >= 0, 0)
    digits_text = text.str.replace(".", "", regex=False).astype("string[pyarrow]")
    array = pc.cast(pa.array(digits_text.array, type=pa.string()), pa.int64())
    import pandas as pd

    digits = pd.Series(
        array.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), index=texts.index
    )
    return digits * (10 ** (2 - decimals)).astype("Int64"), shaped
