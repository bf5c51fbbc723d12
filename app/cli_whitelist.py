"""The ``xyd whitelist`` commands."""

from __future__ import annotations

import json

import typer

from app.cli_support import cli_actor, fail

whitelist_cli = typer.Typer(
    help="The whitelist (白名单): refresh and inspect.", no_args_is_help=True
)


@whitelist_cli.command("refresh")
def refresh() -> None:
    """Judge every enterprise under the current policy and champion; print the version."""
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from whitelist.refresh import refresh as run_refresh

    try:
        with session_scope() as session:
            result = run_refresh(session, actor=cli_actor())
            version = result.version
            typer.echo(
                json.dumps(
                    {
                        "changed": result.changed,
                        "version": version.number if version else None,
                        "members": version.members if version else 0,
                        "joins": version.joins if result.changed and version else 0,
                        "exits": version.exits if result.changed and version else 0,
                        "policy_version": version.policy_version if version else None,
                        "model": version.model_name if version else None,
                    }
                )
            )
    except DomainError as error:
        fail(str(error))
