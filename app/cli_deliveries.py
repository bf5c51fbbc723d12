"""The ``xyd deliveries`` commands: webhook deliveries to banks and dead letters (死信)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from app.cli_support import cli_actor, fail
from app.outbox.status import DeliveryStatus

deliveries_cli = typer.Typer(
    help="Webhook deliveries to banks: run, list dead letters (死信), redeliver.",
    no_args_is_help=True,
)


@deliveries_cli.command("list")
def list_deliveries(
    status: Annotated[DeliveryStatus, typer.Option()] = DeliveryStatus.DEAD,
    lender: Annotated[str | None, typer.Option(help="lender code")] = None,
    limit: int = 50,
) -> None:
    """Print events in ``status`` (dead by default), newest first, one JSON object a line."""
    from app.core.db import session_scope
    from lenders.delivery import dead_letters

    with session_scope() as session:
        rows, total = dead_letters.list_page(
            session, status=status, lender_code=lender, offset=0, limit=limit
        )
        for event, attempts in rows:
            typer.echo(
                json.dumps(
                    {
                        "event_id": event.event_id,
                        "type": event.topic,
                        "lender": event.lender_code,
                        "status": event.status.value,
                        "created_at": event.created_at.isoformat(),
                        "attempts": len(attempts),
                        "last_status_code": event.last_status_code,
                        "last_error": event.last_error,
                    },
                    ensure_ascii=False,
                )
            )
    typer.echo(f"{total} {status.value}", err=True)


@deliveries_cli.command("redeliver")
def redeliver(event_ids: list[str]) -> None:
    """Put dead events back in line, due now (audited)."""
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from lenders.delivery import dead_letters

    try:
        with session_scope() as session:
            for event_id in event_ids:
                dead_letters.redeliver(session, event_id=event_id, actor=cli_actor())
    except DomainError as error:
        fail(str(error))
    typer.echo(json.dumps({"redelivered": len(event_ids)}))


@deliveries_cli.command("run")
def run(
    max_seconds: Annotated[float, typer.Option(help="stop after this long")] = 30.0,
) -> None:
    """Push the due events now, in this process; prints what was attempted and acknowledged."""
    from lenders.delivery.dispatch import deliver_due

    summary = deliver_due(max_seconds=max_seconds)
    typer.echo(json.dumps(summary.__dict__))
