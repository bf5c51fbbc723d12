"""What every feature family shares: the feature spec, the kinds of value and the snapshot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DAYS_PER_MONTH = 365.25 / 12


class Unit(StrEnum):
    """The kind of value a feature holds; it decides how ``describe`` words the value."""

    YUAN = "yuan"
    LOG_YUAN = "log_yuan"  # log(1 + yuan)
    KWH = "kwh"
    MONTHS = "months"
    COUNT = "count"
    CHANGE = "change"  # relative change: -0.35 is a fall of 35%
    SHARE = "share"  # 0..1
    RATIO = "ratio"  # a plain coefficient, e.g. the coefficient of variation
    FLAG = "flag"  # 1 yes, 0 no
    GRADE = "grade"  # tax-credit grade as an ordinal: A=1, B=2, M=3, C=4, D=5
    SIZE_CLASS = "size_class"  # micro=1, small=2, medium=3, large=4
    INDUSTRY = "industry"  # GB/T 4754 section letter (category)
    DISTRICT = "district"  # 6-digit division code (category)
    ENTITY_TYPE = "entity_type"  # category


CATEGORICAL_UNITS = frozenset({Unit.INDUSTRY, Unit.DISTRICT, Unit.ENTITY_TYPE})


@dataclass(frozen=True)
class FeatureSpec:
    """One feature: its name, 中文名, family, definition, risk direction and wording."""

    name: str
    zh: str
    family: str
    definition: str
    direction: int  # +1 larger means lower risk, -1 larger means higher risk, 0 not known
    unit: Unit
    reason_template: str  # Chinese sentence with a {value} placeholder
    source: str  # the source kind the feature is computed from

    def __post_init__(self) -> None:
        if self.direction not in (-1, 0, 1):
            raise ValueError(f"{self.name}: direction must be -1, 0 or +1")
        if "{value}" not in self.reason_template:
            raise ValueError(f"{self.name}: reason_template needs a {{value}} placeholder")

    @property
    def categorical(self) -> bool:
        return self.unit in CATEGORICAL_UNITS


@dataclass(frozen=True)
class Snapshot:
    """The as-of date and the enterprises (in output order) a build is for."""

    as_of: pd.Timestamp  # midnight of the as-of date; records must be dated strictly before
    month: int  # months since 1970-01 of the as-of date's month
    index: pd.Index  # enterprises (USCC), unique
    _codes: pa.Array

    @classmethod
    def at(cls, as_of: date, *, usccs: Sequence[str]) -> Snapshot:
        """A snapshot for ``usccs`` as of the start of day ``as_of``."""
        stamp = pd.Timestamp(as_of).normalize()
        stamp = stamp.tz_localize(None) if stamp.tzinfo else stamp
        codes = pa.array([str(code) for code in usccs], pa.string())
        month = (stamp.year - 1970) * 12 + stamp.month - 1
        index = pd.Index(codes.to_pylist(), dtype="str", name="uscc")
        return cls(as_of=stamp, month=month, index=index, _codes=codes)

    @property
    def size(self) -> int:
        return len(self.index)

    def months_back(self, months: int) -> pd.Timestamp:
        """The as-of date moved back by whole calendar months."""
        return self.as_of - pd.DateOffset(months=months)

    def positions(self, codes: pd.Series) -> np.ndarray:
        """Each row's enterprise position in the output, -1 for enterprises not asked for."""
        array = pc.cast(pa.array(codes.array), pa.string())
        found = pc.index_in(array, value_set=self._codes)
        return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def source_frame(
    sources: Mapping[str, pd.DataFrame], kind: str, columns: Sequence[str]
) -> pd.DataFrame:
    """A source's frame (an empty one when absent); refuses a frame that lacks a column."""
    frame = sources.get(kind)
    if frame is None:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ValueError(f"source {kind} lacks column(s) {', '.join(missing)}")
    return frame


def as_dates(values: pd.Series) -> pd.Series:
    """Dates as datetime64 whatever they arrived as (timestamps, dates or ISO text)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pd.to_datetime(values, errors="coerce")


def month_numbers(values: pd.Series) -> np.ndarray:
    """Months since 1970-01 of each date as floats; NaN for a missing date (never selected)."""
    months = as_dates(values).to_numpy().astype("datetime64[M]")
    return np.where(np.isnat(months), np.nan, months.astype(np.int64).astype(np.float64))


def numbers(values: pd.Series, *, scale: float = 1.0) -> np.ndarray:
    """Floats with NaN for missing values; ``scale`` 0.01 turns fen into yuan."""
    if not pd.api.types.is_numeric_dtype(values):
        values = pd.to_numeric(values, errors="coerce")
    array = np.asarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return array * scale if scale != 1.0 else array


def flags(values: pd.Series) -> np.ndarray:
    """Booleans with missing taken as False."""
    return np.asarray(values.astype("boolean").fillna(False).to_numpy(dtype=bool))


def per_firm(firm: np.ndarray, *, size: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Count (or sum ``weights``) per enterprise position; positions are all valid."""
    return np.bincount(firm, weights=weights, minlength=size).astype(np.float64)
