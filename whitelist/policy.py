"""Whitelist policy versions: the office sets thresholds; each change is a new, audited version."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import Actor
from app.core.errors import NotFound
from whitelist import repository
from whitelist.models import DISQUALIFYING_LISTS, WhitelistPolicy

GRADES = ("A", "B", "C", "D", "E")


class PolicyChange(BaseModel):
    """New thresholds; a field left out keeps the current version's value."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    min_operating_months: int | None = Field(default=None, ge=0, le=600)
    allowed_grades: list[str] | None = Field(default=None, min_length=1, max_length=5)
    demand_window_days: int | None = Field(default=None, ge=1, le=3650)
    disqualifying_lists: list[str] | None = Field(default=None, max_length=3)
    note: str | None = Field(default=None, max_length=500)

    @field_validator("allowed_grades")
    @classmethod
    def _grades(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        unknown = sorted(set(value) - set(GRADES))
        if unknown:
            raise ValueError(f"信用等级只能是 A–E，不认识：{'、'.join(unknown)}")
        return sorted(set(value))

    @field_validator("disqualifying_lists")
    @classmethod
    def _lists(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        unknown = sorted(set(value) - set(DISQUALIFYING_LISTS))
        if unknown:
            raise ValueError(
                f"不认识的名单：{'、'.join(unknown)}；可选 {'、'.join(DISQUALIFYING_LISTS)}"
            )
        return [kind for kind in DISQUALIFYING_LISTS if kind in value]


def current(session: Session) -> WhitelistPolicy:
    """The newest policy version (version 1, SPEC §5's defaults, is made by the migration)."""
    row = repository.newest_policy(session)
    if row is None:
        raise NotFound("no whitelist policy exists; run `xyd db upgrade`")
    return row


def get(session: Session, *, version: int) -> WhitelistPolicy:
    row = repository.policy(session, version)
    if row is None:
        raise NotFound(f"whitelist policy version {version} does not exist")
    return row


def history(session: Session) -> Sequence[WhitelistPolicy]:
    return repository.policies_newest_first(session)


def change(session: Session, *, data: PolicyChange, actor: Actor) -> WhitelistPolicy:
    """A new version from the current one and the given thresholds; audited with the diff."""
    base = current(session)
    values = {
        "min_operating_months": base.min_operating_months,
        "allowed_grades": list(base.allowed_grades),
        "demand_window_days": base.demand_window_days,
        "disqualifying_lists": list(base.disqualifying_lists),
    }
    given = data.model_dump(exclude_none=True, exclude={"note"})
    changed = {key: value for key, value in given.items() if values[key] != value}
    row = WhitelistPolicy(
        version=base.version + 1,
        **{**values, **given},
        note=data.note,
        created_by=actor.ref,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="whitelist_policy.changed",
        subject_type="whitelist_policy",
        subject_id=row.version,
        detail={"from_version": base.version, "changed": changed, "note": data.note},
    )
    return row
