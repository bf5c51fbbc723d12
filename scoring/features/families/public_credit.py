"""Public-credit features (公共信用): penalties, lists and commitments by kind, recency and amount.

An event counts from its decision date (``event_date`` before the as-of date). It is *active* at
the as-of date unless it was repaired (信用修复); when it has a publicity end date it is active
while that date is on or after the as-of date (so an event that expired later is judged as of
then, not as of the load), and without one (lists such as 失信被执行人) while it is not removed.
``repaired`` and ``removed`` carry no date: they are taken from the version of the record the
caller passes, which for a past as-of date should be the version known then. A firm without
events has zero counts; only a missing source gives NaN.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from scoring.features.families.base import (
    DAYS_PER_MONTH,
    FeatureSpec,
    Snapshot,
    Unit,
    as_dates,
    flags,
    numbers,
    per_firm,
    source_frame,
)

FAMILY = "public_credit"
SOURCE = "public_credit_events"
COLUMNS = (
    "uscc", "kind", "event_date", "publicity_end", "amount_fen", "severity", "repaired", "removed",
)  # fmt: skip
PENALTY = "administrative_penalty"
NEGATIVE = (
    PENALTY, "abnormal_operation", "dishonest_debtor", "serious_dishonesty", "commitment_breach",
)  # fmt: skip
# feature -> (kinds, months back; 0 means active at the as-of date)
COUNTS: dict[str, tuple[tuple[str, ...], int]] = {
    "pc_penalties_12m": ((PENALTY,), 12),
    "pc_penalties_36m": ((PENALTY,), 36),
    "pc_negative_events_12m": (NEGATIVE, 12),
    "pc_negative_events_36m": (NEGATIVE, 36),
    "pc_abnormal_operation_36m": (("abnormal_operation",), 36),
    "pc_licences_36m": (("licence",), 36),
    "pc_red_list_36m": (("red_list",), 36),
    "pc_active_penalties": ((PENALTY,), 0),
    "pc_active_serious_dishonesty": (("serious_dishonesty",), 0),
    "pc_active_dishonest_debtor": (("dishonest_debtor",), 0),
    "pc_active_abnormal_operation": (("abnormal_operation",), 0),
}
FLAGGED = (
    "pc_active_serious_dishonesty",
    "pc_active_dishonest_debtor",
    "pc_active_abnormal_operation",
)

_spec = partial(FeatureSpec, family=FAMILY, source=SOURCE)
_NEGATIVE_TEXT = (
    "penalties, abnormal operation, dishonest debtor, serious dishonesty and broken commitments"
)
SPECS = (
    _spec(
        name="pc_penalties_12m",
        zh="近12个月行政处罚次数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Administrative penalties decided in the 12 months before the as-of date.",
        reason_template="近12个月受到行政处罚{value}次",
    ),
    _spec(
        name="pc_penalties_36m",
        zh="近36个月行政处罚次数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Administrative penalties decided in the 36 months before the as-of date.",
        reason_template="近3年受到行政处罚{value}次",
    ),
    _spec(
        name="pc_serious_penalties_36m",
        zh="近36个月严重行政处罚次数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Administrative penalties of severity 'serious' in the last 36 months.",
        reason_template="近3年受到较重行政处罚{value}次",
    ),
    _spec(
        name="pc_penalty_amount_36m",
        zh="近36个月罚款金额",
        direction=-1,
        unit=Unit.YUAN,
        definition="Sum of administrative penalty amounts in the last 36 months, yuan.",
        reason_template="近3年行政处罚罚没金额合计{value}",
    ),
    _spec(
        name="pc_active_penalties",
        zh="公示期内行政处罚数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Administrative penalties decided before the as-of date, not repaired, whose "
        "publicity ends on or after it (without an end date: not removed).",
        reason_template="目前有{value}条行政处罚仍在公示期内",
    ),
    _spec(
        name="pc_active_serious_dishonesty",
        zh="严重失信主体名单（在列）",
        direction=-1,
        unit=Unit.FLAG,
        definition="1 when a serious-dishonesty listing is active at the as-of date (same rule "
        "as active penalties), else 0.",
        reason_template="{value}处于有效期的严重失信主体名单记录",
    ),
    _spec(
        name="pc_active_dishonest_debtor",
        zh="失信被执行人（在列）",
        direction=-1,
        unit=Unit.FLAG,
        definition="1 when a dishonest-judgment-debtor listing is active at the as-of date.",
        reason_template="{value}未移出的失信被执行人记录",
    ),
    _spec(
        name="pc_active_abnormal_operation",
        zh="经营异常名录（在列）",
        direction=-1,
        unit=Unit.FLAG,
        definition="1 when an abnormal-operation listing is active at the as-of date.",
        reason_template="{value}未移出的经营异常名录记录",
    ),
    _spec(
        name="pc_abnormal_operation_36m",
        zh="近36个月列入经营异常名录次数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Abnormal-operation listings in the last 36 months, removed or not.",
        reason_template="近3年被列入经营异常名录{value}次",
    ),
    _spec(
        name="pc_negative_events_12m",
        zh="近12个月不良信用记录数",
        direction=-1,
        unit=Unit.COUNT,
        definition=f"Negative records ({_NEGATIVE_TEXT}) in the last 12 months.",
        reason_template="近12个月新增不良信用记录{value}条",
    ),
    _spec(
        name="pc_negative_events_36m",
        zh="近36个月不良信用记录数",
        direction=-1,
        unit=Unit.COUNT,
        definition=f"Negative records ({_NEGATIVE_TEXT}) in the last 36 months.",
        reason_template="近3年共有不良信用记录{value}条",
    ),
    _spec(
        name="pc_months_since_negative",
        zh="距最近不良记录月数",
        direction=+1,
        unit=Unit.MONTHS,
        definition="Months from the latest negative record to the as-of date; NaN when the "
        "enterprise has none.",
        reason_template="距最近一次不良信用记录已{value}",
    ),
    _spec(
        name="pc_licences_36m",
        zh="近36个月行政许可数",
        direction=0,
        unit=Unit.COUNT,
        definition="Licences granted in the last 36 months.",
        reason_template="近3年取得行政许可{value}项",
    ),
    _spec(
        name="pc_red_list_36m",
        zh="近36个月红名单次数",
        direction=+1,
        unit=Unit.COUNT,
        definition="Red-list (守信激励) entries in the last 36 months.",
        reason_template="近3年被列入守信红名单{value}次",
    ),
)


def _events(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Events of the snapshot's enterprises decided before the as-of date, with an active flag."""
    frame = source_frame(sources, SOURCE, COLUMNS)
    firm = snapshot.positions(frame["uscc"])
    happened = as_dates(frame["event_date"])
    end = as_dates(frame["publicity_end"])
    keep = np.asarray((firm >= 0) & (happened < snapshot.as_of).fillna(False).to_numpy())
    publicised = np.asarray((end >= snapshot.as_of).fillna(False), dtype=bool)
    listed = np.asarray(end.isna(), dtype=bool) & ~flags(frame["removed"])
    active = ~flags(frame["repaired"]) & (publicised | listed)
    return pd.DataFrame(
        {
            "firm": firm[keep],
            "kind": frame["kind"].astype("str").to_numpy()[keep],
            "date": happened.to_numpy()[keep],
            "amount": numbers(frame["amount_fen"], scale=0.01)[keep],
            "serious": (frame["severity"].astype("str") == "serious").to_numpy()[keep],
            "active": active[keep],
        }
    )


def _months_since(events: pd.DataFrame, *, snapshot: Snapshot) -> np.ndarray:
    negative = events[events["kind"].isin(NEGATIVE)]
    newest = negative.groupby("firm")["date"].max()
    result = np.full(snapshot.size, np.nan)
    days = (snapshot.as_of - pd.to_datetime(newest)).dt.days.to_numpy(dtype=np.float64)
    result[newest.index.to_numpy(dtype=np.int64)] = days / DAYS_PER_MONTH
    return result


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Public-credit features of every enterprise of the snapshot."""
    events = _events(sources, snapshot=snapshot)
    firm, size = events["firm"].to_numpy(), snapshot.size
    since = {
        months: (events["date"] >= snapshot.months_back(months)).to_numpy() for months in (12, 36)
    }
    columns: dict[str, np.ndarray] = {}
    for name, (kinds, months) in COUNTS.items():
        chosen = events["kind"].isin(kinds).to_numpy()
        chosen = chosen & (since[months] if months else events["active"].to_numpy())
        columns[name] = per_firm(firm[chosen], size=size)
    for name in FLAGGED:
        columns[name] = np.minimum(columns[name], 1.0)
    penalty = (events["kind"] == PENALTY).to_numpy() & since[36]
    serious = penalty & events["serious"].to_numpy()
    amounts = np.nan_to_num(events["amount"].to_numpy()[penalty])
    columns["pc_serious_penalties_36m"] = per_firm(firm[serious], size=size)
    columns["pc_penalty_amount_36m"] = per_firm(firm[penalty], size=size, weights=amounts)
    columns["pc_months_since_negative"] = _months_since(events, snapshot=snapshot)
    return pd.DataFrame(columns, index=snapshot.index)[[spec.name for spec in SPECS]]
