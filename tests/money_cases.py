"""One table of yuan text, good and bad, that the API and source files must treat alike."""

from __future__ import annotations

GOOD_YUAN: list[tuple[str, int]] = [
    ("0", 0),
    ("1", 100),
    ("1234.5", 123450),
    ("0.01", 1),
    ("007.10", 710),
    ("999999999999999.99", 99999999999999999),
]

# Each is refused by the parser, by every API money field and by a source-file money column.
BAD_YUAN: list[str] = [
    "1,50",  # a decimal comma (1.50) or a thousands comma (150): never guessed
    "1,000.00",
    "1e3",
    "1E3",
    "1_000",
    "１２３",  # full-width digits
    "١٢٣",  # Arabic-Indic digits
    "۱۲۳",  # extended Arabic-Indic digits
    "१२३",  # Devanagari digits
    "1 000",
    "1\u00a0000",
    "+1",
    "-1.00",
    "0.001",
    "1.",
    ".5",
    "1.2.3",
    "NaN",
    "Infinity",
    "0x10",
    "",
    "abc",
    "1234567890123456",  # 16 digits: past the grammar's 15
]
