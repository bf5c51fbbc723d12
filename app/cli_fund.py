"""The ``xyd fund`` commands: the risk-buffer fund (风险缓释基金)."""

from __future__ import annotations

import json

import typer

from app.cli_support import require_schema

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
