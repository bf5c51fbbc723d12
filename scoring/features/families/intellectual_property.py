"""Intellectual-property features (知识产权): patents and trademarks in force, recent IP pledges.

A right counts from its grant date (before the as-of date) for its legal term: invention patents
20 years, utility models 10, design patents 15 (GB patent law, 2021), trademarks 10 (renewals
arrive as new records). An IP pledge (知识产权质押) carries no end date, so a pledge registered in
the last 36 months counts as active. A firm without records has zero counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from scoring.features.families.base import (
    FeatureSpec,
    Snapshot,
    Unit,
    as_dates,
    numbers,
    per_firm,
    source_frame,
)

FAMILY = "intellectual_property"
SOURCE = "intellectual_property"
COLUMNS = ("uscc", "kind", "granted_date", "pledge_amount_fen")
TERM_YEARS = {"invention_patent": 20, "utility_model": 10, "design_patent": 15, "trademark": 10}
PLEDGE_MONTHS = 36
# feature -> kinds counted while in force
IN_FORCE = {
    "ip_invention_patents": ("invention_patent",),
    "ip_other_patents": ("utility_model", "design_patent"),
    "ip_trademarks": ("trademark",),
}

_spec = partial(FeatureSpec, family=FAMILY, source=SOURCE, direction=0)
SPECS = (
    _spec(
        name="ip_invention_patents",
        zh="有效发明专利数",
        unit=Unit.COUNT,
        definition="Invention patents granted before the as-of date and within their 20-year term.",
        reason_template="拥有有效发明专利{value}项",
    ),
    _spec(
        name="ip_other_patents",
        zh="有效实用新型和外观设计专利数",
        unit=Unit.COUNT,
        definition="Utility-model (10-year term) and design (15-year term) patents in force.",
        reason_template="拥有有效实用新型和外观设计专利{value}项",
    ),
    _spec(
        name="ip_trademarks",
        zh="有效注册商标数",
        unit=Unit.COUNT,
        definition="Trademarks registered within the last 10 years.",
        reason_template="拥有有效注册商标{value}件",
    ),
    _spec(
        name="ip_active_pledges",
        zh="知识产权质押笔数",
        unit=Unit.COUNT,
        definition="IP pledges registered in the last 36 months (taken as still active).",
        reason_template="近3年办理知识产权质押{value}笔",
    ),
    _spec(
        name="ip_active_pledge_amount",
        zh="知识产权质押金额",
        unit=Unit.YUAN,
        definition="Amount of the IP pledges registered in the last 36 months, yuan.",
        reason_template="近3年知识产权质押融资金额{value}",
    ),
)


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Intellectual-property features of every enterprise of the snapshot."""
    frame = source_frame(sources, SOURCE, COLUMNS)
    firm = snapshot.positions(frame["uscc"])
    granted = as_dates(frame["granted_date"])
    kind = frame["kind"].astype("str")
    known = np.asarray((firm >= 0) & (granted < snapshot.as_of).fillna(False).to_numpy())
    start = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for name, years in TERM_YEARS.items():
        start = start.mask(kind == name, snapshot.months_back(12 * years))
    in_force = known & np.asarray((granted >= start).fillna(False), dtype=bool)
    columns = {
        name: per_firm(firm[in_force & kind.isin(kinds).to_numpy()], size=snapshot.size)
        for name, kinds in IN_FORCE.items()
    }
    recent = np.asarray((granted >= snapshot.months_back(PLEDGE_MONTHS)).fillna(False), dtype=bool)
    pledge = known & recent & (kind == "ip_pledge").to_numpy()
    amount = np.nan_to_num(numbers(frame["pledge_amount_fen"], scale=0.01)[pledge])
    columns["ip_active_pledges"] = per_firm(firm[pledge], size=snapshot.size)
    columns["ip_active_pledge_amount"] = per_firm(firm[pledge], size=snapshot.size, weights=amount)
    return pd.DataFrame(columns, index=snapshot.index)
