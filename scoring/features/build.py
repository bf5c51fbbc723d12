"""One feature row per enterprise as of a date, from the source frames (a pure function)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from scoring.features.catalogue import FEATURES
from scoring.features.families import FAMILIES
from scoring.features.families.base import Snapshot
from scoring.features.families.registration import registered_before


def build_features(
    sources: Mapping[str, pd.DataFrame], *, as_of: date, usccs: Sequence[str] | None = None
) -> pd.DataFrame:
    """Features of every enterprise (index ``uscc``) from records dated strictly before ``as_of``.

    ``sources`` maps a source kind to its typed rows (``registration`` is required; any other
    kind may be absent, and then its features are NaN). Rows are ``usccs`` in that order, or
    the registry's enterprises; an enterprise not registered before ``as_of`` gets a NaN row.
    Columns follow the catalogue: float64, or categories for the categorical features.
    """
    if "registration" not in sources:
        raise ValueError("the registration source is required: it says who exists as of when")
    snapshot = Snapshot.at(as_of, usccs=_enterprises(sources["registration"], usccs))
    parts = [family.compute(sources, snapshot=snapshot) for family in FAMILIES]
    features = pd.concat(parts, axis=1)
    absent = [name for name, spec in FEATURES.items() if spec.source not in sources]
    keep = registered_before(sources, snapshot=snapshot)
    return _finish(features, keep=keep, absent=absent)


def _enterprises(registration: pd.DataFrame, usccs: Sequence[str] | None) -> list[str]:
    """The requested codes, unique, or the registry's codes in registry order."""
    if usccs is None:
        codes = registration["uscc"].dropna().astype("str")
        return list(dict.fromkeys(codes.tolist()))
    codes = [str(code) for code in usccs]
    if len(set(codes)) != len(codes):
        raise ValueError("usccs repeats an enterprise code")
    return codes


def _finish(features: pd.DataFrame, *, keep: np.ndarray, absent: list[str]) -> pd.DataFrame:
    """Catalogue order and dtypes; NaN for absent sources and for unregistered enterprises."""
    columns = {}
    for name, spec in FEATURES.items():
        valid = keep & (name not in absent)
        if spec.categorical:
            columns[name] = features[name].where(valid)
        else:
            values = features[name].to_numpy(dtype=np.float64, na_value=np.nan)
            columns[name] = pd.Series(np.where(valid, values, np.nan), index=features.index)
    return pd.DataFrame(columns, index=features.index)
