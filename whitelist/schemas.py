"""What crosses the boundary for the whitelist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from whitelist.rules import REASONS


class PolicyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    min_operating_months: int
    allowed_grades: list[str]
    demand_window_days: int
    disqualifying_lists: list[str]
    note: str | None
    created_by: str
    created_at: datetime


class PoliciesPublic(BaseModel):
    data: list[PolicyPublic]
    count: int


class VersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    policy_version: int
    model_name: str
    members: int
    joins: int
    exits: int
    unchanged: int
    created_by: str
    created_at: datetime


class VersionsPublic(BaseModel):
    data: list[VersionPublic]
    count: int


class RefreshPublic(BaseModel):
    changed: bool
    version: VersionPublic | None


class ChangePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    uscc: str
    kind: str
    reasons: list[str]
    reason_labels: list[str] = []
    trigger: str
    at: datetime

    def model_post_init(self, context: Any) -> None:
        self.reason_labels = [REASONS.get(code, code) for code in self.reasons]


class ChangesPublic(BaseModel):
    data: list[ChangePublic]
    count: int


class RulePublic(BaseModel):
    rule: str
    passed: bool
    reason: str | None
    value: Any
    requirement: str
    text: str


class StandingPublic(BaseModel):
    """Whether the enterprise is on the whitelist and, rule by rule, why (SPEC §5)."""

    uscc: str
    on_whitelist: bool
    since_version: int | None
    whitelist_version: int | None
    policy_version: int
    model: str | None
    qualifies_now: bool
    rules: list[RulePublic]
    last_exit: dict[str, Any] | None
