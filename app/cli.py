"""The ``xyd`` command: operate the platform from a shell.

Start-up is kept light (``xyd --help`` loads Typer and nothing of the platform): every command
imports what it needs in its body, and a test keeps pandas, LightGBM and Celery out of
``import app.cli``. Before a command that needs the schema runs, the database's revision is
checked, so an unmigrated database gets one line naming ``xyd db upgrade``, not a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from typing import Annotated

import typer

from app import (
    cli_applications,
    cli_banksim,
    cli_deliveries,
    cli_fund,
    cli_leads,
    cli_monitoring,
    cli_scoring,
    cli_whitelist,
)
from app.accounts.roles import Role
from app.cli_support import cli_actor, fail, require_schema

cli = typer.Typer(help="信易贷 platform command line.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
user_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
lender_cli = typer.Typer(help="Lenders (金融机构).", no_args_is_help=True)
apikey_cli = typer.Typer(help="Lender API keys.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(user_cli, name="user")
cli.add_typer(lender_cli, name="lender")
cli.add_typer(apikey_cli, name="apikey")
cli.add_typer(cli_scoring.model_cli, name="model")
cli.add_typer(cli_whitelist.whitelist_cli, name="whitelist")
cli.add_typer(cli_applications.applications_cli, name="applications")
cli.add_typer(cli_leads.leads_cli, name="leads")
cli.add_typer(cli_deliveries.deliveries_cli, name="deliveries")
cli.add_typer(cli_fund.fund_cli, name="fund")
cli.add_typer(cli_monitoring.monitoring_cli, name="monitoring")
cli.command(
    "bank-sim",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)(cli_banksim.bank_sim)
for command in (cli_scoring.ingest, cli_scoring.synth, cli_scoring.score):
    cli.command()(command)
cli.command("score-sweep")(cli_scoring.score_sweep)


# Commands that do not read the schema, or check it themselves after an earlier refusal.
SCHEMA_FREE = frozenset({"db", "synth", "bank-sim", "serve", "worker", "beat", "model"})


@cli.callback()
def _setup(ctx: typer.Context) -> None:
    from app.core.config import get_settings
    from app.core.logging import configure_logging

    settings = get_settings()
    configure_logging(level=settings.log.level, json_lines=settings.log.json_lines)
    # Celery is configured (and every area's tasks imported) by the first task sent, not here.
    if ctx.invoked_subcommand not in SCHEMA_FREE:
        require_schema()


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations up to REVISION (default: head)."""
    from app.core.db import get_engine
    from app.core.migrations import upgrade

    upgrade(get_engine(), revision)
    typer.echo(f"database at {revision}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default: XYD_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="default: XYD_PORT")] = None,
    workers: int = 1,
) -> None:
    """Serve the API, the OpenAPI docs and the pages."""
    import uvicorn

    from app.core.config import InsecureSettingsError, get_settings

    settings = get_settings()
    try:
        settings.assert_safe_for_serving()
    except InsecureSettingsError as error:
        fail(str(error))
    require_schema()
    if workers == 1:
        from app.core.inline_beat import start_if_brokerless

        start_if_brokerless()  # without a broker, beat's schedule runs in this process
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


def _require_broker(what: str) -> None:
    from app.core.config import get_settings

    if not get_settings().broker.configured:
        fail(
            f"XYD_BROKER_URL is not set; {what} needs a broker "
            "(without one, tasks run inside `xyd serve`)"
        )
    require_schema()


@cli.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def worker(ctx: typer.Context, concurrency: int = 2) -> None:
    """Start a Celery worker; extra arguments go to Celery."""
    _require_broker("the worker")
    from app.worker import celery_app

    celery_app.worker_main(["worker", f"--concurrency={concurrency}", "--loglevel=INFO", *ctx.args])


@cli.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def beat(ctx: typer.Context) -> None:
    """Start the Celery beat scheduler; extra arguments go to Celery."""
    _require_broker("beat")
    from app.worker import celery_app

    celery_app.start(["beat", "--loglevel=INFO", *ctx.args])


@cli.command()
def probe(
    hold: Annotated[float, typer.Option(help="seconds the task waits before its effect")] = 0.0,
    timeout: float = 30.0,
) -> None:
    """Send a probe task and wait until its effect is visible: proves the worker pipeline."""
    from app.core.db import session_scope
    from app.core.taskqueue import wait_for_inline_tasks
    from app.ops import service as ops_service

    with session_scope() as session:
        probe_id = ops_service.request_probe(session, hold_seconds=hold)
    wait_for_inline_tasks()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            status = ops_service.status(session, probe_id=probe_id)
        if status.runs:
            typer.echo(json.dumps(status.__dict__))
            return
        time.sleep(0.2)
    fail(f"probe {probe_id} did not run within {timeout} s; is a worker running?")


@user_cli.command("create")
def user_create(
    username: str,
    role: Role,
    display_name: Annotated[str | None, typer.Option()] = None,
    uscc: Annotated[str | None, typer.Option()] = None,
    lender: Annotated[str | None, typer.Option(help="lender code, for lender users")] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create a user (the password is prompted for unless --password is given)."""
    from app.accounts import service as account_service
    from app.accounts.schemas import UserCreate
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from lenders.institutions import service as lender_service

    try:
        with session_scope() as session:
            lender_id = lender_service.get_by_code(session, code=lender).id if lender else None
            user = account_service.create_user(
                session,
                data=UserCreate(
                    username=username,
                    display_name=display_name or username,
                    password=password,
                    role=role,
                    uscc=uscc,
                    lender_id=lender_id,
                ),
                actor=cli_actor(),
            )
            typer.echo(json.dumps({"id": user.id, "username": user.username, "role": user.role}))
    except (DomainError, ValueError) as error:
        fail(str(error))


@lender_cli.command("create")
def lender_create(code: str, name: str) -> None:
    """Register a lender by its short code and full name."""
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from lenders.institutions import service as lender_service
    from lenders.institutions.schemas import LenderCreate

    try:
        with session_scope() as session:
            lender = lender_service.create(session, data=LenderCreate(code=code, name=name))
            typer.echo(
                json.dumps(
                    {"id": lender.id, "code": lender.code, "name": lender.name}, ensure_ascii=False
                )
            )
    except (DomainError, ValueError) as error:
        fail(str(error))


@apikey_cli.command("create")
def apikey_create(
    lender: Annotated[str, typer.Argument(help="lender code")],
    name: str = "default",
    expires: Annotated[datetime | None, typer.Option(help="UTC expiry, ISO 8601")] = None,
) -> None:
    """Create an API key for a lender's systems; the key is printed once."""
    from datetime import UTC

    from app.accounts import service as account_service
    from app.accounts.schemas import ApiKeyCreate
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from lenders.institutions import service as lender_service

    try:
        with session_scope() as session:
            lender_id = lender_service.get_by_code(session, code=lender).id
            assert lender_id is not None
            api_key, key = account_service.create_api_key(
                session,
                lender_id=lender_id,
                data=ApiKeyCreate(
                    name=name, expires_at=expires.replace(tzinfo=UTC) if expires else None
                ),
                actor=cli_actor(),
            )
            typer.echo(json.dumps({"id": api_key.id, "lender": lender, "key": key}))
    except (DomainError, ValueError) as error:
        fail(str(error))


@cli.command()
def demo(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON summary")] = False,
    enterprises: int = 3000,
    months: int = 36,
    seed: int = 20261123,
    if_empty: Annotated[bool, typer.Option(help="do nothing when enterprises exist")] = False,
    simulated_banks: Annotated[
        bool,
        typer.Option(
            help="let simulated banks answer the leads; without, products are published and the "
            "whitelisted needs wait unrouted for `xyd leads route` and people to answer them"
        ),
    ] = True,
) -> None:
    """Run the headless demo story: synthesize and ingest a city, add lenders and accounts."""
    from app.core.config import get_settings
    from app.core.db import session_scope
    from app.enterprises import repository as enterprise_repository

    with session_scope() as session:
        # Checked before the story's imports: a second `make run` pays for none of them.
        if if_empty and enterprise_repository.count(session) > 0:
            typer.echo("demo data present; nothing to do", err=True)
            return
    from app.core.taskqueue import wait_for_inline_tasks
    from app.demo import story
    from scoring.synthetic.registry import CitySpec

    city_dir = get_settings().data_dir / "demo-city" / f"{enterprises}-{months}-{seed}"
    with session_scope() as session:
        summary = story.run(
            session,
            spec=CitySpec(enterprises=enterprises, seed=seed),
            months=months,
            city_dir=city_dir,
        )
    wait_for_inline_tasks()
    banks: dict[str, object] = {}
    if get_settings().is_production_like:
        typer.echo(
            "the simulated banks need loopback webhooks: skipped outside development", err=True
        )
    elif not simulated_banks:
        from app.demo import leads_story

        leads_story.publish_products(story.demo_lender_codes())
    else:
        from app.demo import leads_story
        from app.main import create_app

        banks = leads_story.run(app_factory=create_app, lender_codes=story.demo_lender_codes())
        wait_for_inline_tasks()
    from app.demo import fund_story

    with session_scope() as session:
        fund = (
            fund_story.run(session, lender_codes=story.demo_lender_codes())
            if banks
            else fund_story.summary(session)
        )
    wait_for_inline_tasks()
    from app.demo import monitoring_story

    with session_scope() as session:
        monitoring = monitoring_story.run(session)
    if as_json:
        typer.echo(json.dumps(summary.as_json() | banks | fund | monitoring, ensure_ascii=False))
    else:
        typer.echo(
            f"{summary.enterprises} enterprises ({summary.uscc_reviews} held for USCC review), "
            f"{summary.records_loaded:,} source records in {summary.batches} batches "
            f"({summary.rows_rejected:,} rows rejected), "
            f"{summary.scoring.get('scored', 0)} scored by "
            f"{summary.scoring.get('model', 'no model')}, "
            f"{summary.whitelist['applications']} applications, "
            f"{summary.whitelist['whitelist_size']} on the whitelist, "
            f"{summary.lenders} lenders"
            + (
                f" ({banks['leads_delivered']} leads delivered, {banks['loans']} loans, "
                f"{fund['covered_loans']} covered by the fund, {fund['claims_paid']} claims paid)"
                if banks
                else ""
            )
            + "; "
            f"accounts {', '.join(summary.accounts)} with password {story.DEMO_PASSWORD}"
        )


def main() -> None:
    """Entry point of the ``xyd`` script."""
    try:
        cli()
    except Exception as error:
        from app.core.config import InsecureSettingsError  # here: --help never loads settings

        if not isinstance(error, InsecureSettingsError):
            raise
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
