"""The ``xyd monitoring`` commands: the finance office's monitoring figures (监测)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli_support import cli_actor, fail, require_schema

monitoring_cli = typer.Typer(help="The finance office's monitoring (监测).", no_args_is_help=True)


@monitoring_cli.command("refresh")
def refresh(
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    full: bool = typer.Option(False, "--full", help="Rebuild every month, not only the changed."),
) -> None:
    """Refresh the monitoring cells from the platform's rows, through the city's month: the
    months rows written since the last refresh touch, or every month with ``--full``."""
    from app.core.db import session_scope
    from app.monitoring.refresh import refresh as run_refresh

    require_schema()
    with session_scope() as session:
        done = run_refresh(session, actor=cli_actor(), full=full)
    if as_json:
        typer.echo(json.dumps(done.__dict__))
    else:
        typer.echo(f"{done.first_month}–{done.last_month}：{done.cells} 个指标单元")


@monitoring_cli.command("show")
def show(
    code: str,
    first: Annotated[str, typer.Option("--from", help="first month, YYYY-MM")],
    last: Annotated[str, typer.Option("--to", help="last month, YYYY-MM")],
    by: Annotated[
        str | None, typer.Option(help="district, industry_section, lender_code or product_type")
    ] = None,
    cumulative: bool = False,
) -> None:
    """Print an indicator's values by month (from the last refresh) as JSON lines."""
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from app.monitoring import values

    require_schema()
    try:
        with session_scope() as session:
            series = values.series(
                session, code=code, first=first, last=last, by=by, cumulative=cumulative
            )
    except DomainError as error:
        fail(str(error))
    for point in series.points:
        shown = {key: _plain(value) for key, value in point.__dict__.items()}
        typer.echo(json.dumps(shown, ensure_ascii=False))


def _plain(value: object) -> object:
    """A Decimal as its exact text; everything else as JSON has it."""
    return value if value is None or isinstance(value, int | str) else str(value)


@monitoring_cli.command("report")
def report(
    month: Annotated[str, typer.Option("--month", help="the report's month, YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="the .xlsx file to write")],
) -> None:
    """Write the monthly report workbook (月度监测报告) of ``--month`` to ``--out``."""
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from app.monitoring import dashboard
    from app.monitoring import report as report_service

    require_schema()
    try:
        with session_scope() as session:
            made = report_service.monthly(
                session, month=dashboard.parse_month(month), actor=cli_actor()
            )
    except DomainError as error:
        fail(str(error))
    out.write_bytes(made.content)
    typer.echo(f"{out}：{month} 月度监测报告，{len(made.sheets)} 个工作表")
