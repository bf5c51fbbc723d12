"""The vectorised judge and the per-enterprise explanation apply the same rules."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from whitelist.models import DISQUALIFYING_LISTS, WhitelistPolicy
from whitelist.rules import explain, judge, operating_months, reasons_for

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
POLICY = WhitelistPolicy(
    version=1,
    min_operating_months=12,
    allowed_grades=["A", "B"],
    demand_window_days=90,
    disqualifying_lists=list(DISQUALIFYING_LISTS),
    created_by="test",
)


def facts() -> pd.DataFrame:
    """Every combination of the facts' interesting values, one enterprise each."""
    options = {
        "status": ["active", "deregistered"],
        "registration_date": [date(2025, 11, 23), date(2025, 11, 24), date(2010, 1, 1)],
        "grade": ["A", "C", None],
        "listings": [[], ["dishonest_debtor"], ["serious_dishonesty", "abnormal_operation"]],
        "last_demand_at": [None, NOW - timedelta(days=10), NOW - timedelta(days=91)],
        "last_application_status": [None, "withdrawn", "submitted"],
        "consent": [(True, True), (False, True), (False, False)],
    }
    rows = []
    for combo in itertools.product(*options.values()):
        row = dict(zip(options, combo, strict=True))
        active, ever = row.pop("consent")
        status = row["last_application_status"]
        row["last_application_at"] = (
            None if status is None else row["last_demand_at"] or NOW - timedelta(days=200)
        )
        if status is None:
            row["last_demand_at"] = None
        rows.append({**row, "consent_active": active, "consent_ever": ever})
    frame = pd.DataFrame(rows)
    frame.index = [f"U{i:05d}" for i in range(len(frame))]
    return frame


def test_judge_and_explain_agree_on_every_combination() -> None:
    table = facts()
    judged = judge(table, policy=POLICY, today=TODAY, now=NOW)
    for uscc, row in zip(table.index, table.itertuples(index=False), strict=True):
        assert judged[uscc] == reasons_for(row, policy=POLICY, today=TODAY, now=NOW), uscc
    assert judged.map(len).eq(0).sum() > 0 and judged.map(len).gt(2).sum() > 0


def test_twelve_months_to_the_day() -> None:
    assert operating_months(date(2025, 11, 23), TODAY) == 12
    assert operating_months(date(2025, 11, 24), TODAY) == 11


@pytest.mark.parametrize(
    ("changes", "rule", "text"),
    [
        ({"grade": "C"}, "grade", "信用等级 C，需为 A、B"),
        (
            {"registration_date": date(2026, 5, 1)},
            "operating_months",
            "需满 12 个月（还差 6 个月）",
        ),
        ({"listings": ["dishonest_debtor"]}, "dishonest_debtor", "列入失信被执行人名单"),
        ({"consent_active": False}, "consent", "授权已撤销或过期"),
    ],
)
def test_a_failing_rule_says_what_would_change_the_outcome(
    changes: dict[str, object], rule: str, text: str
) -> None:
    base = (
        facts()
        .iloc[[0]]
        .assign(
            status="active",
            registration_date=date(2010, 1, 1),
            grade="A",
            listings=[[]],
            last_demand_at=NOW - timedelta(days=5),
            last_application_at=NOW - timedelta(days=5),
            last_application_status="submitted",
            consent_active=True,
            consent_ever=True,
        )
    )
    assert all(
        o.ok
        for o in explain(next(base.itertuples(index=False)), policy=POLICY, today=TODAY, now=NOW)
    )
    spoiled = base.assign(**{k: [v] if isinstance(v, list) else v for k, v in changes.items()})
    outcomes = {
        o.rule: o
        for o in explain(next(spoiled.itertuples(index=False)), policy=POLICY, today=TODAY, now=NOW)
    }
    assert not outcomes[rule].ok and text in outcomes[rule].text
    assert [o.rule for o in outcomes.values() if not o.ok] == [rule]


def _one(**changes: object) -> object:
    """One qualifying enterprise's facts with ``changes``, as ``explain`` reads a row."""
    row = {
        "status": "active",
        "registration_date": date(2010, 1, 1),
        "grade": "A",
        "listings": [],
        "last_demand_at": None,
        "last_application_at": None,
        "last_application_status": None,
        "consent_active": True,
        "consent_ever": True,
        **changes,
    }
    return next(pd.DataFrame([row]).itertuples(index=False))


def _demand_rule(row: object, *, now: datetime = NOW) -> object:
    [demand] = [o for o in explain(row, policy=POLICY, today=TODAY, now=now) if o.rule == "demand"]
    return demand


def test_a_need_stated_at_01_00_in_the_city_is_dated_by_the_citys_calendar() -> None:
    stated = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # 2026-11-23 01:00 in Huzhou
    row = _one(
        last_demand_at=stated, last_application_at=stated, last_application_status="submitted"
    )
    demand = _demand_rule(row)
    assert demand.ok and demand.value == "2026-11-23" and demand.text.startswith("2026-11-23")


@pytest.mark.parametrize(
    ("status", "text"),
    [("disbursed", "已获放款"), ("rejected", "已被银行拒绝"), ("expired", "已过期")],
)
def test_a_recent_need_that_ended_says_how_it_ended_not_that_it_is_too_old(
    status: str, text: str
) -> None:
    yesterday = NOW - timedelta(days=1)
    row = _one(last_application_at=yesterday, last_application_status=status)
    demand = _demand_rule(row)
    assert not demand.ok and demand.code == "demand_expired"
    assert text in demand.text and "90 天" not in demand.text


def test_a_need_older_than_the_window_is_told_the_window() -> None:
    row = _one(last_application_at=NOW - timedelta(days=91), last_application_status="disbursed")
    demand = _demand_rule(row)
    assert not demand.ok and "需在近 90 天内" in demand.text
