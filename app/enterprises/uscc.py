"""The unified social credit code (统一社会信用代码, USCC) of GB 32100-2015.

Eighteen characters from ``0-9A-HJ-NPQRTUWXY``; positions 3-8 are the administrative-division
code of the registering authority; the last character is a mod-31 check character whose weights
are 3^(i-1) mod 31.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

# Province-level prefixes of GB/T 2260 division codes; 10 is used by national-level authorities.
PROVINCE_PREFIXES = frozenset(
    {
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)


class UsccProblem(StrEnum):
    LENGTH = "length"
    CHARSET = "charset"
    DIVISION = "division"
    CHECK_CHAR = "check_char"


@dataclass(frozen=True)
class UsccCheck:
    """The outcome of checking one code."""

    code: str
    problems: tuple[UsccProblem, ...] = field(default=())
    expected_check_char: str | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def only_check_char_fails(self) -> bool:
        """True for well-formed codes whose check character is wrong: these go to review."""
        return self.problems == (UsccProblem.CHECK_CHAR,)

    @property
    def division_code(self) -> str:
        return self.code[2:8]


def normalize(code: str) -> str:
    """Upper case without ASCII spaces at the edges; nothing else is removed.

    A tab, a NUL, a full-width space or any other character stays and makes the code
    malformed, so that two codes that look alike are never two enterprises.
    """
    return code.strip(" ").upper()


def check_char(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_division(division: str) -> bool:
    """A six-digit administrative-division code with a real province prefix."""
    return len(division) == 6 and division.isdigit() and division[:2] in PROVINCE_PREFIXES


def check(code: str) -> UsccCheck:
    """Check a code for length, character set, division code and check character."""
    code = normalize(code)
    if len(code) != LENGTH:
        return UsccCheck(code=code, problems=(UsccProblem.LENGTH,))
    if any(char not in _VALUE for char in code):
        return UsccCheck(code=code, problems=(UsccProblem.CHARSET,))
    problems: list[UsccProblem] = []
    if not is_valid_division(code[2:8]):
        problems.append(UsccProblem.DIVISION)
    expected = check_char(code[:17])
    if code[17] != expected:
        problems.append(UsccProblem.CHECK_CHAR)
    return UsccCheck(code=code, problems=tuple(problems), expected_check_char=expected)


def complete(first17: str) -> str:
    """A full valid code from its first 17 characters (used by the synthetic city and tests)."""
    first17 = normalize(first17)
    return first17 + check_char(first17)


_LOOKUP = np.full(256, -1, dtype=np.int64)
for _index, _char in enumerate(ALPHABET):
    _LOOKUP[ord(_char)] = _index
_PROVINCES = np.zeros(100, dtype=bool)
_PROVINCES[[int(prefix) for prefix in PROVINCE_PREFIXES]] = True


def check_many(codes: Sequence[str] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``check`` of upper-case codes: (malformed, only the check character fails).

    Malformed means wrong length, a character outside the alphabet or a division code without
    a real province prefix; such codes are refused. The second mask marks well-formed codes
    whose check character is wrong, which go to review.
    """
    # Lengths come from the Python strings: NumPy's fixed-width text drops trailing NULs,
    # which once let "…X\x00" pass as the 18-character code "…X".
    texts = [str(code) for code in np.asarray(codes, dtype=object)]
    lengths = np.fromiter((len(code) for code in texts), dtype=np.int64, count=len(texts))
    ascii_only = np.fromiter((code.isascii() for code in texts), dtype=bool, count=len(texts))
    array = np.asarray(texts, dtype=str) if texts else np.asarray([], dtype=f"U{LENGTH}")
    fixed = np.where((lengths == LENGTH) & ascii_only, array, "0" * LENGTH).astype(f"S{LENGTH}")
    raw = np.frombuffer(fixed.tobytes(), dtype=np.uint8).reshape(-1, LENGTH)
    values = _LOOKUP[raw]
    digits = (raw[:, 2:8] >= ord("0")) & (raw[:, 2:8] <= ord("9"))
    province = (raw[:, 2] - ord("0")).astype(np.int64) * 10 + (raw[:, 3] - ord("0"))
    division_ok = digits.all(axis=1) & _PROVINCES[np.clip(province, 0, 99)]
    malformed = (lengths != LENGTH) | ~ascii_only | (values < 0).any(axis=1) | ~division_ok
    expected = (31 - (values[:, :17] @ np.asarray(WEIGHTS)) % 31) % 31
    check_fails = ~malformed & (values[:, 17] != expected)
    return malformed, check_fails
