"""Targets (目标) the office sets for its indicators, versioned and audited, and each indicator's
standing against its target with the straight-line pace to the target's month.

A target is entered in the unit people read (a count; yuan; a percentage for a share or a rate;
days) and stored as an integer in the figure's own scale (``STORED_SCALE``): fen, basis points
of a share, hundredths of a basis point of a rate, tenths of a day. Setting a target again makes
a new version; the newest version of an indicator and district is the one in force.

The pace: a count or an amount is expected to move in a straight line from where it stood the
month before the target's first month to the target at its due month. A flow (loans disbursed)
is counted from the first month; a stock (the balance) stands at each month's end. A share, a
rate or a number of days is a level to reach, with no pace: it is met or it is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.money import yuan_to_fen
from app.monitoring import repository, values
from app.monitoring.exceptions import BadTarget, UnknownIndicator
from app.monitoring.measures import months_between
from app.monitoring.models import MonitoringTarget
from app.monitoring.registry import BY_CODE, MEASURES, Direction, Flow, Indicator, Unit
from app.monitoring.schemas import Month

STORED_SCALE = {Unit.COUNT: 1, Unit.FEN: 1, Unit.RATIO: 10_000, Unit.BASIS_POINTS: 100,
                Unit.DAYS: 10}  # fmt: skip
PACED = (Unit.COUNT, Unit.FEN)


class Standing(StrEnum):
    MET = "met"  # 已达成
    ON_PACE = "on_pace"  # 进度正常
    BEHIND = "behind"  # 落后于进度
    NOT_MET = "not_met"  # 未达标 (a level with no pace)
    NO_DATA = "no_data"  # 暂无数据


STANDING_LABELS = {
    Standing.MET: "已达成",
    Standing.ON_PACE: "进度正常",
    Standing.BEHIND: "落后于进度",
    Standing.NOT_MET: "未达标",
    Standing.NO_DATA: "暂无数据",
}


class TargetSet(BaseModel):
    """A target as the office enters it: ``target`` in the unit people read (count, yuan,
    percent, days)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    indicator: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
    district: Annotated[str, Field(pattern=r"^([0-9]{6})?$", description="'' for the city")] = ""
    start_month: Month
    due_month: Month
    target: Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[0-9]+(\.[0-9]{1,4})?$")]
    note: Annotated[str, Field(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""

    @model_validator(mode="after")
    def _months(self) -> Self:
        if self.due_month < self.start_month:
            raise ValueError("目标月份不能早于起始月份")
        return self


@dataclass(frozen=True)
class Status:
    indicator: Indicator
    target: MonitoringTarget
    month: str
    actual: int | Decimal | None  # in the indicator's own scale, as values.series gives it
    expected: Decimal | None  # the pace's figure for the month; None for a level
    target_value: Decimal  # the target in the indicator's own scale
    standing: Standing

    @property
    def label(self) -> str:
        return STANDING_LABELS[self.standing]


def set_target(session: Session, *, data: TargetSet, actor: Actor) -> MonitoringTarget:
    """A new version of the indicator's (and district's) target; audited."""
    indicator = _indicator(data.indicator)
    stored = _stored(indicator, data.target)
    previous = repository.target(session, indicator=indicator.code, district=data.district)
    row = MonitoringTarget(
        indicator=indicator.code, district=data.district,
        version=(previous.version if previous else 0) + 1,
        start_month=data.start_month, due_month=data.due_month, target=stored, note=data.note,
        entered_by=actor.ref,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor=actor, action="monitoring.target.set", subject_type="monitoring_target",
        subject_id=row.id or 0,
        detail={"indicator": row.indicator, "district": row.district, "version": row.version,
                "target": row.target, "start_month": row.start_month, "due_month": row.due_month},
    )  # fmt: skip
    return row


def standing(session: Session, *, month: str) -> list[Status]:
    """Every target in force, judged at ``month``."""
    return [_judge(session, target, month) for target in repository.targets_in_force(session)]


def history(session: Session, *, indicator: str, district: str = "") -> list[MonitoringTarget]:
    return list(repository.target_versions(session, indicator=indicator, district=district))


def _judge(session: Session, target: MonitoringTarget, month: str) -> Status:
    indicator = BY_CODE[target.indicator]
    goal = Decimal(target.target) / STORED_SCALE[indicator.unit]
    where = {"district": target.district} if target.district else {}
    flow = MEASURES[indicator.numerator].flow is Flow.FLOW
    start = target.start_month
    if month < start:
        return Status(indicator, target, month, None, None, goal, Standing.NO_DATA)
    series = values.series(
        session, code=indicator.code, first=values.month_before(start), last=month, where=where
    ).points
    actual: int | Decimal | None
    if flow:  # counted from the first month: the sums over the months since
        top = sum(p.numerator for p in series[1:])
        bottom = sum(p.denominator or 0 for p in series[1:])
        actual = values.quotient(indicator, top, bottom)
        base = Decimal(0)
    else:  # a stock stands at the month's end
        actual = series[-1].value
        base = Decimal(series[0].value or 0)
    expected = None
    if indicator.unit in PACED:
        done = len(months_between(start, min(month, target.due_month)))
        total = len(months_between(start, target.due_month))
        expected = (base + (goal - base) * done / total).quantize(Decimal("0.01"))
    return Status(indicator, target, month, actual, expected, goal,
                  _standing(indicator, actual, expected, goal))  # fmt: skip


def _standing(
    indicator: Indicator, actual: int | Decimal | None, expected: Decimal | None, goal: Decimal
) -> Standing:
    if actual is None:
        return Standing.NO_DATA
    better = (
        (lambda a, b: a <= b) if indicator.direction is Direction.DOWN else (lambda a, b: a >= b)
    )
    if better(Decimal(actual), goal):
        return Standing.MET
    if expected is None:
        return Standing.NOT_MET
    return Standing.ON_PACE if better(Decimal(actual), expected) else Standing.BEHIND


def _indicator(code: str) -> Indicator:
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise UnknownIndicator(f"no indicator {code!r}")
    return indicator


def _stored(indicator: Indicator, text: str) -> int:
    """The target as the figure's own integer: yuan → fen, percent → basis points, …; a
    figure finer than that scale is refused rather than rounded."""
    if indicator.unit is Unit.FEN:
        try:
            return yuan_to_fen(text)
        except ValueError as error:
            raise BadTarget(str(error)) from error
    if indicator.unit is Unit.RATIO and Decimal(text) > 100:
        raise BadTarget("占比目标不能超过 100%")
    per_unit = {Unit.COUNT: 1, Unit.RATIO: 100, Unit.BASIS_POINTS: 10_000, Unit.DAYS: 10}
    scaled = Decimal(text) * per_unit[indicator.unit]
    if scaled != scaled.to_integral_value():
        raise BadTarget(f"目标 {text} 的小数位过多")
    return int(scaled)
