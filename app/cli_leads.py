"""The ``xyd leads`` commands: what beat does every few minutes, now."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer

from app.cli_support import cli_actor, fail

leads_cli = typer.Typer(
    help="Leads (推荐): route applications, sweep deadlines.", no_args_is_help=True
)


@leads_cli.command("route")
def route() -> None:
    """Match and offer every submitted application of a whitelist member; print the counts."""
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from lenders.leads.routing import route_pending

    try:
        with session_scope() as session:
            typer.echo(json.dumps(route_pending(session, actor=cli_actor())))
    except DomainError as error:
        fail(str(error))


@leads_cli.command("sweep")
def sweep() -> None:
    """Expire unanswered offers (passing them on) and record late decisions; print the counts."""
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from lenders.leads.sweep import sweep as run_sweep

    try:
        with session_scope() as session:
            typer.echo(json.dumps(asdict(run_sweep(session, actor=cli_actor()))))
    except DomainError as error:
        fail(str(error))
