"""Enterprise size class (企业规模) per the national SME classification (工信部联企业〔2011〕300号).

Each sector has thresholds on headcount and operating revenue (万元). An enterprise is medium when
it reaches both medium thresholds, small when it reaches both small thresholds, micro otherwise;
large when it reaches the upper bound on both. Sectors classified by total assets in the standard
(construction, real estate, leasing) are judged here on the measures the platform holds, and the
revenue-only sector (agriculture) ignores headcount.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 yuan = 1,000,000 fen


class SizeClass(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@dataclass(frozen=True)
class Thresholds:
    """(headcount, revenue 万元) to reach each class; None means the measure is not used."""

    large: tuple[int | None, int]
    medium: tuple[int | None, int]
    small: tuple[int | None, int]


_AGRICULTURE = Thresholds(large=(None, 20000), medium=(None, 500), small=(None, 50))
_INDUSTRY = Thresholds(large=(1000, 40000), medium=(300, 2000), small=(20, 300))
_CONSTRUCTION = Thresholds(large=(None, 80000), medium=(None, 6000), small=(None, 300))
_WHOLESALE = Thresholds(large=(200, 40000), medium=(20, 5000), small=(5, 1000))
_RETAIL = Thresholds(large=(300, 20000), medium=(50, 500), small=(10, 100))
_TRANSPORT = Thresholds(large=(1000, 30000), medium=(300, 3000), small=(20, 200))
_WAREHOUSING = Thresholds(large=(200, 30000), medium=(100, 1000), small=(20, 100))
_POSTAL = Thresholds(large=(1000, 30000), medium=(300, 2000), small=(20, 100))
_HOSPITALITY = Thresholds(large=(300, 10000), medium=(100, 2000), small=(10, 100))
_TELECOM = Thresholds(large=(2000, 100000), medium=(100, 1000), small=(10, 100))
_SOFTWARE = Thresholds(large=(300, 10000), medium=(100, 1000), small=(10, 50))
_REAL_ESTATE = Thresholds(large=(None, 200000), medium=(None, 1000), small=(None, 100))
_OTHER = Thresholds(large=(300, 0), medium=(100, 0), small=(10, 0))

_BY_DIVISION = {
    "51": _WHOLESALE,
    "52": _RETAIL,
    "59": _WAREHOUSING,
    "60": _POSTAL,
    "61": _HOSPITALITY,
    "62": _HOSPITALITY,
    "63": _TELECOM,
    "64": _TELECOM,
    "65": _SOFTWARE,
}
_BY_SECTION = {
    "A": _AGRICULTURE,
    "B": _INDUSTRY,
    "C": _INDUSTRY,
    "D": _INDUSTRY,
    "E": _CONSTRUCTION,
    "G": _TRANSPORT,
    "K": _REAL_ESTATE,
}


def thresholds_for(section: str, division: str) -> Thresholds:
    return _BY_DIVISION.get(division) or _BY_SECTION.get(section) or _OTHER


def classify(
    *, section: str, division: str, headcount: int | None, revenue_fen: int | None
) -> SizeClass | None:
    """The size class, or None when a measure the sector needs is unknown."""
    rules = thresholds_for(section, division)
    for size, (min_headcount, min_revenue_wan) in (
        (SizeClass.LARGE, rules.large),
        (SizeClass.MEDIUM, rules.medium),
        (SizeClass.SMALL, rules.small),
    ):
        needs_headcount = min_headcount is not None
        needs_revenue = min_revenue_wan > 0
        if (needs_headcount and headcount is None) or (needs_revenue and revenue_fen is None):
            return None
        reaches_headcount = not needs_headcount or (headcount or 0) >= (min_headcount or 0)
        reaches_revenue = not needs_revenue or (revenue_fen or 0) >= min_revenue_wan * FEN_PER_WAN
        if reaches_headcount and reaches_revenue:
            return size
    return SizeClass.MICRO
