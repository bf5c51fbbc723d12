"""Password policy after NIST SP 800-63B §5.1.1.2: length, no common, no username, no patterns.

``common-passwords.txt.gz`` is Django 5.2's list (BSD licence, from Royce Williams' 2017 list of
the 20,000 most common leaked passwords), 19,640 lowercase entries ordered by frequency.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


@lru_cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords attackers try first, lowercased."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, *, username: str | None = None) -> str | None:
    """Why ``password`` is refused, in Chinese for the person choosing it; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"密码至少需要 {MIN_LENGTH} 个字符"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 个字符"
    lowered = password.lower()
    if lowered in common_passwords():
        return "密码过于常见，容易被猜中，请换一个"
    if username and len(username) >= 3 and username.lower() in lowered:
        return "密码不能包含用户名"
    if _repetitive(lowered) or _sequential(lowered):
        return "密码不能是重复或连续的字符（如 aaaaaaaaaa、abcabcabc、1234567890）"
    return None


def _repetitive(password: str) -> bool:
    # A few characters over and over ("aaaaaaaaaa", "abababab12") or one short block repeated.
    if len(set(password)) <= 3:
        return True
    return any(password == password[:size] * (len(password) // size) for size in range(1, 5))


def _sequential(password: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(password)}
    return steps in ({1}, {-1})
