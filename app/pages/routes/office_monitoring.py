"""金融办's monitoring pages (监测看板): the targets and every indicator, the funnel, the
whitelist's outcomes, the breakdowns by district, industry, bank and product type, the trends,
and the form that sets targets and enters the office's figures.

Each page reads the dashboard tables (``app/monitoring/dashboard.py``) that its API route
(``app/api/routes/monitoring_exports.py``) answers as JSON and as Excel, for the month picked
(any month begun; a mangled or future month, cut or indicator shows the default with a notice,
never an error page). Charts are drawn by ``/static/monitoring-charts.js`` from a JSON block
beside each table, which also holds the numbers, so the page says everything without script.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import SessionDep
from app.core.errors import DomainError
from app.enterprises.divisions import HUZHOU_DISTRICTS
from app.monitoring import dashboard, figures, repository, targets
from app.monitoring.dashboard import Figure, Table
from app.monitoring.figures import FigureSet
from app.monitoring.models import MonitoringFigure, MonitoringTarget
from app.monitoring.registry import BY_CODE, CUT_NAMES, CUTS, INDICATORS, MEASURES, Unit
from app.monitoring.targets import TargetSet
from app.pages import figures as shown_figures
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required

router = APIRouter(prefix="/monitoring")
MonitoringViewer = Annotated[
    Principal,
    Depends(role_required(Role.OFFICE, Role.ADMIN, refusal="只有金融办和管理员可以查看监测看板")),
]
Text = Annotated[str | None, Query()]  # judged by the page itself: a bad one is a notice
SECTIONS = (
    ("/monitoring", "目标与指标"),
    ("/monitoring/funnel", "融资对接漏斗"),
    ("/monitoring/whitelist", "白名单成效"),
    ("/monitoring/breakdown", "分区县 / 行业 / 银行"),
    ("/monitoring/league", "银行排行榜"),
    ("/monitoring/trend", "趋势"),
    ("/monitoring/targets", "设定目标与外部数据"),
)
DEFAULT_CODE = "platform_loan_amount"
TARGET_FIELDS = ("indicator", "district", "start_month", "due_month", "target", "note")
FIGURE_FIELDS = ("measure", "district", "month", "value", "note")
ENTERED = {code: m for code, m in MEASURES.items() if m.entered}


class Picked:
    """What the page was asked for, each choice checked, with a notice for every refusal."""

    def __init__(self) -> None:
        self.notices: list[str] = []

    def month(self, text: str | None) -> str:
        try:
            return dashboard.parse_month(text)
        except DomainError as error:
            self.notices.append(f"{messages.for_error(error)}；已显示本月。")
            return dashboard.parse_month(None)

    def cut(self, text: str | None, *, default: str | None) -> str | None:
        if text in (None, "") or text in CUTS:
            return text or default
        self.notices.append("没有这种分组；已按默认分组显示。")
        return default

    def code(self, text: str | None) -> str:
        if text in (None, "") or text in BY_CODE:
            return text or DEFAULT_CODE
        self.notices.append("没有这个指标；已显示平台放款金额。")
        return DEFAULT_CODE


def _export(table: str, **query: Any) -> str:
    kept = {k: "true" if v is True else v for k, v in query.items() if v not in (None, "", False)}
    return f"/api/v1/monitoring/tables/{table}.xlsx?" + urlencode(kept)


def _page(
    request: Request,
    session: Session,
    viewer: Principal,
    *,
    title: str,
    month: str,
    picked: Picked,
    tables: list[tuple[Table, str, dict[str, Any] | None]],
    **context: Any,
) -> HTMLResponse:
    return render(
        request,
        "office/monitoring.html",
        viewer,
        title=title,
        month=month,
        notices=picked.notices,
        tables=tables,
        sections=SECTIONS,
        cut_names=CUT_NAMES,
        indicators=INDICATORS,
        report=f"/api/v1/monitoring/report.xlsx?month={month}",
        refreshed_at=_refreshed(session),
        **context,
    )


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request, session: SessionDep, viewer: MonitoringViewer, month: Text = None
) -> HTMLResponse:
    """目标与指标: each target in force with its pace and standing, and every indicator."""
    picked = Picked()
    shown = picked.month(month)
    return _page(
        request,
        session,
        viewer,
        title="监测看板",
        month=shown,
        picked=picked,
        tables=[
            (dashboard.target_table(session, month=shown), _export("targets", month=shown), None),
            (
                dashboard.indicator_table(session, month=shown),
                _export("indicators", month=shown),
                None,
            ),
        ],
    )


@router.get("/funnel", response_class=HTMLResponse)
def funnel(
    request: Request, session: SessionDep, viewer: MonitoringViewer, month: Text = None
) -> HTMLResponse:
    """融资对接漏斗: applications to loans, in the month and in all."""
    picked = Picked()
    shown = picked.month(month)
    table = dashboard.funnel_table(session, month=shown)
    chart = shown_figures.chart(_stages_only(table))
    return _page(
        request,
        session,
        viewer,
        title="融资对接漏斗",
        month=shown,
        picked=picked,
        tables=[(table, _export("funnel", month=shown), chart)],
    )


def _stages_only(table: Table) -> Table:
    """The funnel's counts without its ratios (a percentage on a count axis misleads)."""
    rows = table.rows[: len(dashboard.FUNNEL)]
    return Table(table.key, table.title, table.headers, rows, chart=table.chart)


@router.get("/whitelist", response_class=HTMLResponse)
def whitelist(
    request: Request, session: SessionDep, viewer: MonitoringViewer, month: Text = None
) -> HTMLResponse:
    """白名单成效: size, joins, exits and the share lent to, the last twelve months."""
    return _one_table(request, session, viewer, month, "whitelist", "白名单成效",
                      dashboard.whitelist_table)  # fmt: skip


def _one_table(
    request: Request, session: Session, viewer: Principal, month: str | None, key: str,
    title: str, build: Callable[..., Table],
) -> HTMLResponse:  # fmt: skip
    """A page of one month's one table, its export and its chart."""
    picked = Picked()
    shown = picked.month(month)
    table = build(session, month=shown)
    return _page(
        request,
        session,
        viewer,
        title=title,
        month=shown,
        picked=picked,
        tables=[(table, _export(key, month=shown), shown_figures.chart(table))],
    )


@router.get("/breakdown", response_class=HTMLResponse)
def breakdown(
    request: Request,
    session: SessionDep,
    viewer: MonitoringViewer,
    month: Text = None,
    by: Text = None,
    code: Text = None,
    cumulative: Text = None,
) -> HTMLResponse:
    """分项: every indicator by district, industry section, bank or product type."""
    picked = Picked()
    shown, cut, chosen = picked.month(month), picked.cut(by, default="district"), picked.code(code)
    assert cut is not None
    total = cumulative in ("1", "true", "on")
    table = dashboard.breakdown_table(session, month=shown, by=cut, cumulative=total)
    row = [i.code for i in INDICATORS].index(chosen)
    return _page(
        request,
        session,
        viewer,
        title=f"按{CUT_NAMES[cut]}",
        month=shown,
        picked=picked,
        by=cut,
        code=chosen,
        cumulative=total,
        tables=[
            (
                table,
                _export("breakdown", month=shown, by=cut, cumulative=total),
                shown_figures.chart(table, row=row),
            )
        ],
    )


@router.get("/league", response_class=HTMLResponse)
def league(
    request: Request, session: SessionDep, viewer: MonitoringViewer, month: Text = None
) -> HTMLResponse:
    """银行排行榜: each bank's answers in time, response times, breaches and approvals."""
    return _one_table(request, session, viewer, month, "league", "银行排行榜",
                      dashboard.league_table)  # fmt: skip


@router.get("/trend", response_class=HTMLResponse)
def trend(
    request: Request,
    session: SessionDep,
    viewer: MonitoringViewer,
    month: Text = None,
    code: Text = None,
    by: Text = None,
) -> HTMLResponse:
    """趋势: one indicator over the twelve months to the month picked, for the city or cut."""
    picked = Picked()
    shown, chosen, cut = picked.month(month), picked.code(code), picked.cut(by, default=None)
    table = dashboard.trend_table(session, month=shown, code=chosen, by=cut)
    export = _export("trend", month=shown, code=chosen, trend_by=cut)
    return _page(
        request,
        session,
        viewer,
        title="趋势",
        month=shown,
        picked=picked,
        code=chosen,
        by=cut or "",
        tables=[(table, export, shown_figures.chart(table))],
    )


def _refreshed(session: Session) -> Any:
    last = repository.last_refresh(session)
    return last.made_at if last else None


def _targets_page(
    request: Request,
    session: Session,
    viewer: Principal,
    *,
    status: int = 200,
    target_values: dict[str, str] | None = None,
    target_errors: dict[str, str] | None = None,
    figure_values: dict[str, str] | None = None,
    figure_errors: dict[str, str] | None = None,
    saved: str | None = None,
) -> HTMLResponse:
    month = dashboard.parse_month(None)
    return render(
        request,
        "office/monitoring_targets.html",
        viewer,
        status=status,
        sections=SECTIONS,
        title="设定目标与外部数据",
        indicators=INDICATORS,
        entered=ENTERED,
        districts=HUZHOU_DISTRICTS,
        by_code=BY_CODE,
        in_force=[(row, _target_figure(row)) for row in repository.targets_in_force(session)],
        figures=[(row, _entered_figure(row)) for row in repository.figures(session, measure=None)],
        target_values=target_values
        or {"start_month": f"{month[:4]}-01", "due_month": f"{month[:4]}-12"},
        target_errors=target_errors or {},
        figure_values=figure_values or {"month": month},
        figure_errors=figure_errors or {},
        saved=saved,
    )


def _target_figure(row: MonitoringTarget) -> Figure:
    """A stored target in its indicator's own scale, as the values have it."""
    unit = BY_CODE[row.indicator].unit
    return Figure(Decimal(row.target) / targets.STORED_SCALE[unit], unit)


def _entered_figure(row: MonitoringFigure) -> Figure:
    measure = MEASURES.get(row.measure)
    return Figure(row.value, measure.unit if measure else Unit.COUNT)


@router.get("/targets", response_class=HTMLResponse)
def targets_page(
    request: Request, session: SessionDep, viewer: MonitoringViewer, saved: Text = None
) -> HTMLResponse:
    """设定目标与外部数据: the targets in force, the figures entered, and the two forms."""
    notice = {"target": "目标已保存（新版本）。", "figure": "数据已保存，下次重算后计入。"}
    return _targets_page(request, session, viewer, saved=notice.get(saved or ""))


async def _fields(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name, "")).strip() for name in names}


@router.post("/targets", response_model=None, dependencies=[CsrfChecked])
async def set_target(request: Request, session: SessionDep, viewer: MonitoringViewer) -> Response:
    """A new version of a target, as ``POST /api/v1/monitoring/targets`` (audited there)."""
    values = await _fields(request, TARGET_FIELDS)
    data, errors = forms.parse(TargetSet, values)
    if data is not None:
        try:
            targets.set_target(session, data=data, actor=viewer)
        except DomainError as error:  # refused before anything was written
            field = "indicator" if error.code == "monitoring_unknown_indicator" else "target"
            errors = {field: messages.for_error(error)}
            return _targets_page(
                request,
                session,
                viewer,
                status=422,
                target_values=values,
                target_errors=errors,
            )
        return RedirectResponse("/monitoring/targets?saved=target", status_code=303)
    if "" in errors:  # the due month before the first: said beside the due month
        errors["due_month"] = errors.pop("")
    return _targets_page(
        request, session, viewer, status=422, target_values=values, target_errors=errors
    )


@router.post("/figures", response_model=None, dependencies=[CsrfChecked])
async def enter_figure(request: Request, session: SessionDep, viewer: MonitoringViewer) -> Response:
    """A figure from outside the platform, as ``POST /api/v1/monitoring/figures`` (audited)."""
    values = await _fields(request, FIGURE_FIELDS)
    data, errors = forms.parse(FigureSet, values)
    if data is not None:
        try:
            figures.enter(session, data=data, actor=viewer)
        except DomainError as error:  # refused before anything was written
            field = "district" if "区县" in error.detail else "value"
            return _targets_page(
                request,
                session,
                viewer,
                status=422,
                figure_values=values,
                figure_errors={field: messages.for_error(error)},
            )
        return RedirectResponse("/monitoring/targets?saved=figure", status_code=303)
    return _targets_page(
        request, session, viewer, status=422, figure_values=values, figure_errors=errors
    )
