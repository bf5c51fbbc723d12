"""The ``xyd fund`` commands: the risk-buffer fund (风险缓释基金)."""

from __future__ import annotations

import json

import typer

from app.cli_support import require_schema
from app.core.errors import DomainError

fund_cli = typer.Typer(help="The risk-buffer fund (风险缓释基金).", no_args_is_help=True)


@fund_cli.command("reconcile")
def reconcile(
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Prove the fund's ledger: debits equal credits, every account's totals are the sums of
    its transfers, no account is below zero where it may not be; and that the banks' running
    positions are the figures recomputed from the loans. Exits 1 otherwise."""
    from app.core.db import session_scope
    from lenders.fund import position
    from lenders.fund.ledger.reconcile import reconcile as run_reconcile

    require_schema()
    with session_scope() as session:
        report = run_reconcile(session)
        drift = position.drift(session)
    off = len(drift.banks) + drift.covers + drift.years
    if as_json:
        typer.echo(json.dumps(report.as_dict() | {"position_mismatches": off}))
    else:
        typer.echo(
            f"{'平衡' if report.balanced else '不平衡'}：{report.entries} 笔分录，"
            f"{report.accounts} 个账户，负余额 {report.negative_balances} 个，"
            f"账实不符 {report.mismatches} 个；借方合计 {report.debits_fen} 分，"
            f"贷方合计 {report.credits_fen} 分；在保余额与贷款不符 {off} 处"
        )
    if not report.ok or off:
        raise typer.Exit(1)


@fund_cli.command("forecast")
def forecast(
    as_json: bool = typer.Option(False, "--json", help="Print the run as one JSON object."),
    paths: int | None = typer.Option(None, help="Monte Carlo paths (XYD_FUND_FORECAST_PATHS)."),
    horizon_months: int | None = typer.Option(
        None, help="Months forecast (XYD_FUND_FORECAST_HORIZON_MONTHS)."
    ),
    lgd_bp: int | None = typer.Option(
        None, help="Loss given default, basis points (XYD_FUND_FORECAST_LGD_BP)."
    ),
    seed: int | None = typer.Option(None, help="Random seed (XYD_FUND_FORECAST_SEED)."),
) -> None:
    """Forecast the fund's run-out now (资金耗尽预测): a Monte Carlo of claims from the covered
    loans, the borrowers' latest PDs and the LGD; stores the run and prints its answer."""
    from dataclasses import replace

    from app.audit.service import SystemActor
    from app.core.db import session_scope
    from app.core.money import fen_to_yuan
    from lenders.fund import forecast as fund_forecast
    from lenders.fund import forecast_view
    from lenders.fund.forecast_schemas import ForecastPublic
    from lenders.fund.models import ForecastTrigger

    require_schema()
    given = {"paths": paths, "horizon_months": horizon_months, "lgd_bp": lgd_bp, "seed": seed}
    knobs = replace(
        fund_forecast.ForecastParameters.defaults(),
        **{name: value for name, value in given.items() if value is not None},
    )
    try:
        with session_scope() as session:
            fund_forecast.run(
                session, trigger=ForecastTrigger.CLI, actor=SystemActor("cli"), parameters=knobs
            )
            shown = ForecastPublic.of(forecast_view.view(session))
    except DomainError as error:
        typer.echo(error.detail, err=True)
        raise typer.Exit(2) from error
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
        return
    typer.echo(shown.sentence)
    typer.echo(
        f"预测 #{shown.id}：覆盖贷款 {shown.loans} 笔（已评分 {shown.scored_loans} 笔），"
        f"可用资金 {fen_to_yuan(shown.capital_fen):,} 元，预计 {shown.horizon_months} 个月代偿合计 "
        f"{fen_to_yuan(shown.expected_total_fen):,} 元；{shown.paths} 条路径，种子 {shown.seed}，"
        f"用时 {shown.duration_ms} 毫秒"
    )
