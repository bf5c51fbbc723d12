"""The monitoring's Excel: each dashboard table, and the monthly report workbook (月度监测报告)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from sqlmodel import Session

from app.api.deps import OfficePrincipal, SessionDep
from app.api.problems import problem_schema
from app.monitoring import dashboard, report
from app.monitoring.dashboard import Figure, Table
from app.monitoring.schemas import Cut, FigureCellPublic, TablePublic

router = APIRouter(tags=["monitoring"])
# The month's grammar and range are the dashboard's to judge: 422 monitoring_bad_months, in Chinese.
MonthText = Annotated[str, Query(min_length=1, max_length=16, description="YYYY-MM")]
TableName = Literal["targets", "indicators", "funnel", "whitelist", "breakdown", "league", "trend"]
# The tables that need nothing but the month.
MONTHLY: dict[str, Callable[..., Table]] = {
    "targets": dashboard.target_table,
    "indicators": dashboard.indicator_table,
    "funnel": dashboard.funnel_table,
    "whitelist": dashboard.whitelist_table,
    "league": dashboard.league_table,
}
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {report.MEDIA_TYPE: {}}, "description": "the .xlsx workbook"},
    404: problem_schema("monitoring_unknown_indicator"),
    422: problem_schema("validation_error", "monitoring_bad_months"),
}


def attachment(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=report.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def table_of(
    session: Session, *, name: str, month: str, by: str, code: str, cumulative: bool
) -> Table:
    """The dashboard table ``name`` for the month, as its page shows it."""
    if name == "breakdown":
        return dashboard.breakdown_table(session, month=month, by=by, cumulative=cumulative)
    if name == "trend":
        return dashboard.trend_table(session, month=month, code=code, by=by or None)
    return MONTHLY[name](session, month=month)


def table_public(table: Table) -> TablePublic:
    return TablePublic(
        key=table.key,
        title=table.title,
        note=table.note,
        headers=table.headers,
        rows=[
            [
                FigureCellPublic(value=c.value, unit=c.unit.value) if isinstance(c, Figure) else c
                for c in row
            ]
            for row in table.rows
        ],
    )


@router.get("/monitoring/report.xlsx", response_class=Response, responses=XLSX)
def monthly_report(session: SessionDep, principal: OfficePrincipal, month: MonthText) -> Response:
    """The monthly report for ``month`` (YYYY-MM, a month begun): 目标达成, 指标总览, 融资对接漏斗,
    白名单成效, one sheet per cut (区县, 行业门类, 银行, 产品类型), 银行排行榜 and 趋势. Audited."""
    made = report.monthly(session, month=dashboard.parse_month(month), actor=principal)
    return attachment(made.content, made.filename)


def asked_table(
    session: SessionDep,
    _: OfficePrincipal,
    table: Annotated[TableName, Path()],
    month: MonthText,
    by: Cut = "district",
    code: Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[a-z_]+$")] = (
        "platform_loan_amount"
    ),
    cumulative: bool = False,
    trend_by: Annotated[Cut | None, Query(description="the trend's cut, if any")] = None,
) -> tuple[Table, str]:
    """The table asked for and its month: ``by`` and ``cumulative`` cut 分项 (breakdown),
    ``code`` and ``trend_by`` choose the trend's indicator and cut."""
    parsed = dashboard.parse_month(month)
    shown = table_of(
        session,
        name=table,
        month=parsed,
        by=(trend_by or "") if table == "trend" else by,
        code=code,
        cumulative=cumulative,
    )
    return shown, parsed


AskedTable = Annotated[tuple[Table, str], Depends(asked_table)]


# Before the JSON route: its {table} would also match "funnel.xlsx".
@router.get("/monitoring/tables/{table}.xlsx", response_class=Response, responses=XLSX)
def table_export(asked: AskedTable) -> Response:
    """One dashboard table as a workbook of one sheet, as its page shows it."""
    shown, month = asked
    return attachment(report.table_workbook(shown), f"monitoring-{shown.key}-{month}.xlsx")


@router.get(
    "/monitoring/tables/{table}",
    response_model=TablePublic,
    responses={code: answer for code, answer in XLSX.items() if code != 200},
)
def table_rows(asked: AskedTable) -> TablePublic:
    """One dashboard table as its page shows it: each figure in its unit's own scale."""
    return table_public(asked[0])
