"""The whitelist rules (SPEC §5), as pure functions of the facts, the policy and the day.

``judge`` gives every enterprise its failing reason codes (empty: it qualifies) in one pass;
``explain`` gives one enterprise each rule's outcome, the value judged and what would change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from app.core.clock import to_local
from whitelist.models import WhitelistPolicy

LIST_NAMES = {
    "serious_dishonesty": "严重失信主体名单",
    "dishonest_debtor": "失信被执行人名单",
    "abnormal_operation": "经营异常名录",
}
STATUS_NAMES = {"active": "存续", "deregistered": "注销", "revoked": "吊销"}
# How a need that is no longer open ended, when it ended inside the demand window: the window
# is not what a person should be told then (a need lent on yesterday is not "too old").
ENDED_NEED = {
    "disbursed": "已获放款，如需新的融资请重新提交申请",
    "rejected": "已被银行拒绝，可重新提交申请",
    "expired": "无银行受理，已过期，重新提交申请即可",
}
# Reason codes, each with the Chinese a person reads.
REASONS = {
    "deregistered": "企业状态不是存续",
    "too_young": "经营时间不足",
    "serious_dishonesty": "列入严重失信主体名单",
    "dishonest_debtor": "列入失信被执行人名单",
    "abnormal_operation": "列入经营异常名录",
    "not_scored": "尚无信用评分",
    "grade": "信用等级未达要求",
    "no_demand": "未提出融资需求",
    "demand_expired": "融资需求已过期",
    "demand_withdrawn": "融资需求已撤回",
    "no_consent": "未授权",
    "consent_revoked": "授权已撤销或过期",
}


def operating_months(registered: date, today: date) -> int:
    delta = relativedelta(today, registered)
    return delta.years * 12 + delta.months


def demand_cutoff(policy: WhitelistPolicy, now: datetime) -> datetime:
    return now - timedelta(days=policy.demand_window_days)


def _aware(moment: Any) -> datetime | None:
    if moment is None or (isinstance(moment, float) and pd.isna(moment)) or moment is pd.NaT:
        return None
    value = pd.Timestamp(moment).to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def reasons_for(row: Any, *, policy: WhitelistPolicy, today: date, now: datetime) -> list[str]:
    """The failing reason codes of one enterprise's facts (a row of ``facts.gather``)."""
    return [rule.code for rule in explain(row, policy=policy, today=today, now=now) if not rule.ok]


def judge(facts: pd.DataFrame, *, policy: WhitelistPolicy, today: date, now: datetime) -> pd.Series:
    """Per enterprise (index uscc), the list of failing reason codes, in one vectorised pass.

    The same rules as ``explain`` (a test holds the two together), without building a sentence
    per enterprise: a refresh judges the whole city.
    """
    failing: dict[str, np.ndarray] = {}
    failing["deregistered"] = (facts["status"] != "active").to_numpy()
    registered = pd.to_datetime(facts["registration_date"])
    day = pd.Timestamp(today)
    months = (day.year - registered.dt.year) * 12 + (day.month - registered.dt.month)
    months = months - (registered.dt.day > day.day).astype(int)
    failing["too_young"] = (months < policy.min_operating_months).to_numpy()
    listings = facts["listings"].to_numpy()
    for kind in policy.disqualifying_lists:
        failing[kind] = np.fromiter((kind in held for held in listings), bool, len(listings))
    grade = facts["grade"]
    failing["not_scored"] = grade.isna().to_numpy()
    failing["grade"] = (grade.notna() & ~grade.isin(policy.allowed_grades)).to_numpy()
    cutoff = pd.Timestamp(demand_cutoff(policy, now))
    open_at = _utc(facts["last_demand_at"])
    last_at = _utc(facts["last_application_at"])
    has_demand = (open_at >= cutoff).to_numpy()
    never = last_at.isna().to_numpy()
    withdrawn = ((facts["last_application_status"] == "withdrawn") & open_at.isna()).to_numpy()
    failing["no_demand"] = ~has_demand & never
    failing["demand_withdrawn"] = ~has_demand & ~never & withdrawn
    failing["demand_expired"] = ~has_demand & ~never & ~withdrawn
    active = facts["consent_active"].to_numpy(dtype=bool)
    ever = facts["consent_ever"].to_numpy(dtype=bool)
    failing["consent_revoked"] = ~active & ever
    failing["no_consent"] = ~active & ~ever
    order = [code for code in rule_order(policy) if code in failing]
    matrix = np.column_stack([failing[code] for code in order])
    codes = np.array(order, dtype=object)
    return pd.Series(
        [list(codes[mask]) for mask in matrix], index=facts.index, dtype=object, name="reasons"
    )


def rule_order(policy: WhitelistPolicy) -> list[str]:
    """Reason codes in the order ``explain`` lists its rules."""
    return [
        "deregistered",
        "too_young",
        *policy.disqualifying_lists,
        "not_scored",
        "grade",
        "no_demand",
        "demand_withdrawn",
        "demand_expired",
        "consent_revoked",
        "no_consent",
    ]


def _utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True)


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    ok: bool
    code: str  # the reason code when it fails
    value: Any
    requirement: str
    text: str  # what was judged and, when it fails, what would change it


def explain(row: Any, *, policy: WhitelistPolicy, today: date, now: datetime) -> list[RuleOutcome]:
    """Each rule for one enterprise, pass or fail, with the value it was judged on."""
    outcomes = []
    status = str(row.status)
    outcomes.append(
        RuleOutcome(
            "entity_active",
            status == "active",
            "deregistered",
            status,
            "存续",
            f"企业状态{STATUS_NAMES.get(status, status)}"
            + ("" if status == "active" else "，需为存续"),
        )
    )
    months = operating_months(row.registration_date, today)
    need = policy.min_operating_months
    outcomes.append(
        RuleOutcome(
            "operating_months",
            months >= need,
            "too_young",
            months,
            f"≥ {need} 个月",
            f"经营 {months} 个月"
            + ("" if months >= need else f"，需满 {need} 个月（还差 {need - months} 个月）"),
        )
    )
    for kind in policy.disqualifying_lists:
        listed = kind in row.listings
        name = LIST_NAMES.get(kind, kind)
        outcomes.append(
            RuleOutcome(
                kind,
                not listed,
                kind,
                listed,
                f"不在{name}",
                f"列入{name}，移出或信用修复后可重新评估" if listed else f"未列入{name}",
            )
        )
    grade = row.grade if isinstance(row.grade, str) else None
    allowed = "、".join(policy.allowed_grades)
    if grade is None:
        outcomes.append(
            RuleOutcome("grade", False, "not_scored", None, allowed, "尚无信用评分，评分后再评估")
        )
    else:
        ok = grade in policy.allowed_grades
        outcomes.append(
            RuleOutcome(
                "grade",
                ok,
                "grade",
                grade,
                allowed,
                f"信用等级 {grade}" + ("" if ok else f"，需为 {allowed}"),
            )
        )
    outcomes.append(_demand(row, policy=policy, now=now))
    outcomes.append(_consent(row))
    return outcomes


def _demand(row: Any, *, policy: WhitelistPolicy, now: datetime) -> RuleOutcome:
    window = policy.demand_window_days
    requirement = f"近 {window} 天内有融资需求"
    cutoff = demand_cutoff(policy, now)
    open_at = _aware(row.last_demand_at)
    if open_at is not None and open_at >= cutoff:
        day = city_day(open_at)
        return RuleOutcome("demand", True, "", day, requirement, f"{day} 提出融资需求")
    last_at = _aware(row.last_application_at)
    if last_at is None:
        return RuleOutcome(
            "demand", False, "no_demand", None, requirement, "未提出融资需求，提交申请即可"
        )
    day, status = city_day(last_at), str(row.last_application_status)
    if status == "withdrawn" and open_at is None:
        return RuleOutcome(
            "demand",
            False,
            "demand_withdrawn",
            day,
            requirement,
            f"{day} 的融资需求已撤回，重新提交申请即可",
        )
    if last_at >= cutoff and status in ENDED_NEED:
        text = f"{day} 提出的融资需求{ENDED_NEED[status]}"
    else:
        text = f"最近一次融资需求在 {day}，需在近 {window} 天内，重新提交申请即可"
    return RuleOutcome("demand", False, "demand_expired", day, requirement, text)


def city_day(moment: datetime) -> str:
    """The calendar day in the city (Asia/Shanghai) of a stored UTC moment, as people read it."""
    return to_local(moment).date().isoformat()


def _consent(row: Any) -> RuleOutcome:
    if row.consent_active:
        return RuleOutcome("consent", True, "", True, "有效授权", "授权有效")
    if row.consent_ever:
        return RuleOutcome(
            "consent", False, "consent_revoked", False, "有效授权", "授权已撤销或过期，重新授权即可"
        )
    return RuleOutcome("consent", False, "no_consent", False, "有效授权", "未授权，授权后即可")
