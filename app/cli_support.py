"""What every ``xyd`` command shares.

Imports stay light here and in every ``app/cli*.py`` module: ``xyd --help`` loads only Typer,
and each command imports the platform's heavy parts (pandas, LightGBM, Celery) in its body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from app.audit.service import SystemActor

UPGRADE_COMMAND = "xyd db upgrade"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def cli_actor() -> SystemActor:
    """Who the audit log names for a command-line operation."""
    from app.audit.service import SystemActor

    return SystemActor("cli")


def require_schema() -> None:
    """Refuse, in one line naming the command to run, when the database is not at the head
    revision this code ships, instead of failing later on a missing table."""
    from app.core.db import get_engine
    from app.core.migrations import known_revisions, revisions

    current, heads = revisions(get_engine())
    if current == heads:
        return
    at = ", ".join(sorted(current)) or "none"
    head = ", ".join(sorted(heads))
    if current and not current <= known_revisions():
        fail(
            f"数据库版本 {at} 不是本程序的迁移，请部署与数据库相符的程序 / "
            f"the database is at revision {at}, which this code does not know "
            f"(head {head}): deploy the code that matches the database"
        )
    fail(
        f"数据库尚未迁移到最新版本（当前 {at}，最新 {head}），请先运行 `{UPGRADE_COMMAND}` / "
        f"the database schema is not up to date (at {at}, head {head}): "
        f"run `{UPGRADE_COMMAND}` first"
    )
