"""The demo's monitoring chapter (监测): the office enters its denominators and targets, the
cells and the league table are rebuilt, and the headline figures (``kpis``) are read back.

The denominators are the demo city's own: market entities (市场主体, 个体户 included) per district
are the registry's entities of every type in that district; the city-wide loan figures are
illustrative (演示数据), sized to the synthetic city, so the §1 ratios have something to stand
on. Targets are the city plan's shares (SPEC §1) due at the end of the city's year. Everything
goes through the monitoring's services, audited as the office's pages are; run again, it finds
its figures and targets entered and enters nothing twice.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.audit.service import Actor, SystemActor
from app.core.clock import to_local, utcnow
from app.enterprises.models import Enterprise
from app.monitoring import figures, league, repository, targets, values
from app.monitoring.figures import FigureSet
from app.monitoring.refresh import refresh
from app.monitoring.targets import TargetSet

OFFICE = SystemActor("demo-office")
# The synthetic city's bank books, in yuan (演示数据): enterprise loans, their credit part, and
# credit loans to small and micro enterprises.
CITY_FIGURES = {
    "city_enterprise_loans_fen": "1200000000",
    "city_enterprise_credit_loans_fen": "300000000",
    "city_small_micro_credit_loans_fen": "180000000",
}
# SPEC §1: credit loans ≥ 30 % of enterprise loans, 信易贷 ≥ 6 % of enterprise credit loans,
# > 20 % of whitelist enterprises lent to, USCC errors < 0.01 % (percent, as people enter them)
TARGETS = {
    "enterprise_credit_share": "30",
    "platform_credit_share": "6",
    "whitelist_loan_share": "20",
    "uscc_error_rate": "0.01",
}


def run(session: Session, *, actor: Actor = OFFICE) -> dict[str, Any]:
    """Enter the figures and targets (once), rebuild, and return ``{"kpis": {...}}``."""
    month = _this_month()
    for district, entities in _entities_by_district(session).items():
        _enter(session, "market_entities", district, month, str(entities), actor)
    for measure, yuan in CITY_FIGURES.items():
        _enter(session, measure, "", month, yuan, actor)
    for indicator, percent in TARGETS.items():
        if repository.target(session, indicator=indicator, district="") is None:
            targets.set_target(
                session,
                data=TargetSet(
                    indicator=indicator, start_month=f"{month[:4]}-01",
                    due_month=f"{month[:4]}-12", target=percent, note="城市方案目标（演示）",
                ),
                actor=actor,
            )  # fmt: skip
    refresh(session, actor=actor, through=month)
    return {"kpis": kpis(session, month=month)}


def kpis(session: Session, *, month: str) -> dict[str, Any]:
    """The headline figures through ``month``: flows summed over every month, stocks and
    shares as they stand at its end, the median response over every answer given."""
    first, _last = repository.months_held(session)
    start = first or month

    def through(code: str) -> int | Decimal | None:
        points = values.series(session, code=code, first=month, last=month, cumulative=True)
        return points.points[-1].value if points.points else None

    minutes = league.response_minutes(session)
    return {
        "platform_loans": _int(through("platform_loans")),
        "platform_loan_fen": _int(through("platform_loan_amount")),
        "first_loans": _int(through("first_loans")),
        "approval_ratio": _ratio(through("approval_ratio")),
        "whitelist_loan_share": _ratio(through("whitelist_loan_share")),
        "obtained_loan_ratio": _ratio(through("obtained_loan_ratio")),
        "uscc_error_rate": _ratio(through("uscc_error_rate")),
        "median_response_hours": (round(statistics.median(minutes) / 60, 1) if minutes else None),
        "months": f"{start}..{month}",
    }


def _int(value: int | Decimal | None) -> int:
    return int(value or 0)


def _ratio(value: int | Decimal | None) -> float | None:
    """A share for the JSON summary (not money): as a number, to its stored places."""
    return None if value is None else float(value)


def _this_month() -> str:
    today = to_local(utcnow()).date()
    return f"{today.year:04d}-{today.month:02d}"


def _entities_by_district(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(Enterprise.district, func.count(col(Enterprise.uscc))).group_by(
            col(Enterprise.district)
        )
    ).all()
    return {district: int(n) for district, n in rows}


def _enter(
    session: Session, measure: str, district: str, month: str, value: str, actor: Actor
) -> None:
    if repository.figure(session, measure=measure, district=district, month=month) is None:
        figures.enter(
            session,
            data=FigureSet(measure=measure, district=district, month=month, value=value,
                           note="演示数据"),
            actor=actor,
        )  # fmt: skip
