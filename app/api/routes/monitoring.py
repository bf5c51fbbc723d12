"""The finance office's monitoring (监测): the indicator registry, values by month and cut, and
the rebuild of the cells they are read from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import OfficePrincipal, SessionDep
from app.api.problems import problem_schema
from app.monitoring import figures, league, repository, targets, values
from app.monitoring.figures import FigureSet
from app.monitoring.refresh import refresh as run_refresh
from app.monitoring.registry import INDICATORS, Indicator
from app.monitoring.schemas import (
    Cut,
    FigurePublic,
    FiguresPublic,
    IndicatorPublic,
    IndicatorsPublic,
    LeagueEntryPublic,
    LeaguePublic,
    Month,
    PointPublic,
    RefreshPublic,
    SeriesPublic,
    StatusesPublic,
    StatusPublic,
    TargetPublic,
    TargetsPublic,
)
from app.monitoring.targets import TargetSet

router = APIRouter(tags=["monitoring"])


def _public(indicator: Indicator) -> IndicatorPublic:
    return IndicatorPublic(
        code=indicator.code, name=indicator.name, formula=indicator.formula,
        numerator=indicator.numerator, denominator=indicator.denominator,
        unit=indicator.unit.value, direction=indicator.direction.value, serves=indicator.serves,
    )  # fmt: skip


@router.get("/monitoring/indicators", response_model=IndicatorsPublic)
def indicators(_: OfficePrincipal) -> IndicatorsPublic:
    """Every indicator the office watches, with its formula, unit and the line it serves."""
    return IndicatorsPublic(data=[_public(i) for i in INDICATORS], count=len(INDICATORS))


@router.get(
    "/monitoring/values",
    response_model=SeriesPublic,
    responses={
        404: problem_schema("monitoring_unknown_indicator"),
        422: problem_schema("monitoring_bad_months"),
    },
)
def indicator_values(
    session: SessionDep,
    _: OfficePrincipal,
    code: Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[a-z_]+$")],
    first: Annotated[Month, Query(alias="from")],
    last: Annotated[Month, Query(alias="to")],
    by: Cut | None = None,
    cumulative: bool = False,
    district: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None,
    industry_section: Annotated[str | None, Query(pattern=r"^[A-T]$")] = None,
    lender_code: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,32}$")] = None,
    product_type: Annotated[str | None, Query(pattern=r"^[a-z_]{1,16}$")] = None,
) -> SeriesPublic:
    """An indicator by month from ``from`` to ``to`` (YYYY-MM, the city's months), optionally
    cut ``by`` one of district, industry section, bank, product type, and narrowed to one
    value of any cut. Read from the cells of the last rebuild (``refreshed_at``)."""
    where = {
        cut: value
        for cut, value in (
            ("district", district), ("industry_section", industry_section),
            ("lender_code", lender_code), ("product_type", product_type),
        )
        if value is not None
    }  # fmt: skip
    series = values.series(
        session, code=code, first=first, last=last, by=by, where=where, cumulative=cumulative
    )
    refreshed = repository.last_refresh(session)
    return SeriesPublic(
        indicator=_public(series.indicator),
        by=by,
        cumulative=cumulative,
        refreshed_at=refreshed.made_at if refreshed else None,
        data=[PointPublic.model_validate(point) for point in series.points],
    )


@router.post("/monitoring/refresh", response_model=RefreshPublic)
def refresh(session: SessionDep, principal: OfficePrincipal) -> RefreshPublic:
    """Rebuild every cell now from the platform's rows (beat does it every 30 minutes). Audited."""
    done = run_refresh(session, actor=principal)
    return RefreshPublic(first_month=done.first_month, last_month=done.last_month, cells=done.cells)


@router.get("/monitoring/targets", response_model=TargetsPublic)
def targets_in_force(session: SessionDep, _: OfficePrincipal) -> TargetsPublic:
    """The target in force (the newest version) of every indicator and district."""
    rows = repository.targets_in_force(session)
    return TargetsPublic(data=[TargetPublic.model_validate(r) for r in rows], count=len(rows))


@router.get("/monitoring/target-versions", response_model=TargetsPublic)
def target_history(
    session: SessionDep,
    _: OfficePrincipal,
    indicator: Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[a-z_]+$")],
    district: Annotated[str, Query(pattern=r"^([0-9]{6})?$")] = "",
) -> TargetsPublic:
    """Every version of one indicator's target, newest first."""
    rows = targets.history(session, indicator=indicator, district=district)
    return TargetsPublic(data=[TargetPublic.model_validate(r) for r in rows], count=len(rows))


@router.post(
    "/monitoring/targets",
    response_model=TargetPublic,
    status_code=201,
    responses={
        404: problem_schema("monitoring_unknown_indicator"),
        422: problem_schema("monitoring_bad_target"),
    },
)
def set_target(session: SessionDep, principal: OfficePrincipal, body: TargetSet) -> TargetPublic:
    """A new version of an indicator's target, in the unit people read (a count, yuan, a
    percentage, days), for the city or one district. Audited."""
    return TargetPublic.model_validate(targets.set_target(session, data=body, actor=principal))


@router.get("/monitoring/status", response_model=StatusesPublic)
def status(
    session: SessionDep, _: OfficePrincipal, month: Annotated[Month, Query()]
) -> StatusesPublic:
    """Every target in force judged at ``month``: the figure, the straight-line pace, and
    met / on pace / behind (read from the cells of the last rebuild)."""
    rows = targets.standing(session, month=month)
    return StatusesPublic(
        month=month,
        data=[
            StatusPublic(
                indicator=row.indicator.code, name=row.indicator.name,
                district=row.target.district, month=row.month, actual=row.actual,
                expected=row.expected, target=row.target_value, due_month=row.target.due_month,
                standing=row.standing.value, label=row.label,
            )
            for row in rows
        ],
    )  # fmt: skip


@router.get("/monitoring/figures", response_model=FiguresPublic)
def entered_figures(
    session: SessionDep,
    _: OfficePrincipal,
    measure: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")] = None,
) -> FiguresPublic:
    """Every figure the office entered (every version), newest first."""
    rows = repository.figures(session, measure=measure)
    return FiguresPublic(data=[FigurePublic.model_validate(r) for r in rows], count=len(rows))


@router.post(
    "/monitoring/figures",
    response_model=FigurePublic,
    status_code=201,
    responses={422: problem_schema("monitoring_bad_figure")},
)
def enter_figure(session: SessionDep, principal: OfficePrincipal, body: FigureSet) -> FigurePublic:
    """A figure from outside the platform for a month (market entities per district; the
    city's enterprise loans, credit loans, small and micro credit loans in yuan). Audited;
    counted from the next rebuild."""
    return FigurePublic.model_validate(figures.enter(session, data=body, actor=principal))


@router.get("/monitoring/league", response_model=LeaguePublic)
def league_table(
    session: SessionDep, _: OfficePrincipal, month: Annotated[Month, Query()]
) -> LeaguePublic:
    """The month's bank league table (银行排行榜), best first: answers in time, median response
    in office hours, breaches, decline reasons and approval ratio (read from the last rebuild)."""
    entries = league.table(session, month=month)
    refreshed = repository.last_refresh(session)
    return LeaguePublic(
        month=month,
        refreshed_at=refreshed.made_at if refreshed else None,
        data=[LeagueEntryPublic.of(entry) for entry in entries],
        count=len(entries),
    )
