"""What every ``xyd`` command shares."""

from __future__ import annotations

import typer

from app.audit.service import SystemActor

CLI_ACTOR = SystemActor("cli")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
