"""The ``xyd applications`` commands."""

from __future__ import annotations

import json

import typer

from app.cli_support import cli_actor, fail

applications_cli = typer.Typer(
    help="Financing applications (融资需求): the expiry sweep.", no_args_is_help=True
)


@applications_cli.command("expire")
def expire() -> None:
    """Expire applications older than the whitelist's demand window that no bank accepted."""
    from app.applications.expiry import expire_stale
    from app.core.db import session_scope
    from app.core.errors import DomainError

    try:
        with session_scope() as session:
            swept = expire_stale(session, actor=cli_actor())
            typer.echo(
                json.dumps(
                    {
                        "expired": len(swept.expired),
                        "skipped": len(swept.skipped),
                        "window_days": swept.window_days,
                    }
                )
            )
    except DomainError as error:
        fail(str(error))
