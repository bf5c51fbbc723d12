"""Figures from outside the platform that the office enters (外部数据): the denominators of the
city ratios — market entities per district, the city's enterprise loans and credit loans, its
small and micro enterprises' credit loans. Each entry for a month is a new version (audited);
the newest version counts, and a month's figure stands until a later month's replaces it. They
join the cells at the next rebuild.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.money import yuan_to_fen
from app.monitoring import repository
from app.monitoring.exceptions import BadFigure
from app.monitoring.models import MonitoringFigure
from app.monitoring.registry import MEASURES, Measure, Unit
from app.monitoring.schemas import Month

ENTERED = {code: measure for code, measure in MEASURES.items() if measure.entered}


class FigureSet(BaseModel):
    """A figure as the office enters it: a count, or an amount in yuan."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    measure: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
    district: Annotated[str, Field(pattern=r"^([0-9]{6})?$", description="'' for the city")] = ""
    month: Month
    value: Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[0-9]+(\.[0-9]{1,2})?$")]
    note: Annotated[str, Field(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""


def enter(session: Session, *, data: FigureSet, actor: Actor) -> MonitoringFigure:
    measure = ENTERED.get(data.measure)
    if measure is None:
        raise BadFigure(f"{data.measure!r} is not a figure the office enters")
    _check_level(measure, data.district)
    value = _value(measure, data.value)
    previous = repository.figure(
        session, measure=measure.code, district=data.district, month=data.month
    )
    row = MonitoringFigure(
        measure=measure.code, district=data.district, month=data.month, value=value,
        version=(previous.version if previous else 0) + 1, note=data.note, entered_by=actor.ref,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor=actor, action="monitoring.figure.enter", subject_type="monitoring_figure",
        subject_id=row.id or 0,
        detail={"measure": row.measure, "district": row.district, "month": row.month,
                "value": row.value, "version": row.version},
    )  # fmt: skip
    return row


def _check_level(measure: Measure, district: str) -> None:
    if measure.entered == "district" and not district:
        raise BadFigure(f"{measure.name}按区县填报，请选择区县（全市为各区县之和）")
    if measure.entered == "city" and district:
        raise BadFigure(f"{measure.name}是全市数据，不按区县填报")


def _value(measure: Measure, text: str) -> int:
    if measure.unit is Unit.FEN:
        try:
            return yuan_to_fen(text)
        except ValueError as error:
            raise BadFigure(str(error)) from error
    if "." in text:
        raise BadFigure(f"{measure.name}是整数")
    return int(text)
