"""The ``xyd`` command: operate the platform from a shell."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.schemas import ApiKeyCreate, UserCreate
from app.audit.service import SystemActor
from app.core.clock import to_local, utcnow
from app.core.config import InsecureSettingsError, get_settings
from app.core.db import get_engine, session_scope
from app.core.errors import DomainError
from app.core.logging import configure_logging
from app.core.migrations import upgrade
from app.core.taskqueue import configure_celery, wait_for_inline_tasks
from app.demo import story
from app.enterprises import repository as enterprise_repository
from app.ops import service as ops_service
from lenders.institutions import service as lender_service
from lenders.institutions.schemas import LenderCreate
from scoring.sources import service as source_service
from scoring.synthetic.registry import CitySpec

cli = typer.Typer(help="信易贷 platform command line.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
user_cli = typer.Typer(help="User accounts.", no_args_is_help=True)
lender_cli = typer.Typer(help="Lenders (金融机构).", no_args_is_help=True)
apikey_cli = typer.Typer(help="Lender API keys.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(user_cli, name="user")
cli.add_typer(lender_cli, name="lender")
cli.add_typer(apikey_cli, name="apikey")
model_cli = typer.Typer(
    help="Credit models: evaluate, train, register, promote.", no_args_is_help=True
)
cli.add_typer(model_cli, name="model")
CLI_ACTOR = SystemActor("cli")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@cli.callback()
def _setup() -> None:
    settings = get_settings()
    configure_logging(level=settings.log_level, json_lines=settings.log_json)
    configure_celery()


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations up to REVISION (default: head)."""
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

    settings = get_settings()
    try:
        settings.assert_safe_for_serving()
    except InsecureSettingsError as error:
        fail(str(error))
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


def _require_broker(what: str) -> None:
    if not get_settings().uses_broker:
        fail(
            f"XYD_BROKER_URL is not set; {what} needs a broker "
            "(without one, tasks run inside `xyd serve`)"
        )


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


@cli.command()
def ingest(
    path: Annotated[Path, typer.Argument(exists=True, help="a file, or a directory of files")],
    kind: Annotated[
        str | None, typer.Option(help="the source kind, if the name does not say")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON summary")] = False,
) -> None:
    """Load source files, one batch each: good rows load, bad rows are kept with reasons."""
    say = lambda message: typer.echo(message, err=True)  # noqa: E731 - progress to stderr
    files = source_service.source_files(path)
    outcomes = []
    for index, file in enumerate(files, start=1):
        say(f"[{index}/{len(files)}] {file.name}")
        with session_scope() as session:
            result = source_service.ingest_file(
                session, path=file, actor=CLI_ACTOR, kind=kind, report=say
            )
            batch = result.batch
            outcomes.append(
                {
                    "file": file.name,
                    "batch": batch.id,
                    "kind": batch.kind,
                    "status": "duplicate" if result.duplicate else batch.status.value,
                    "rows_read": batch.rows_read,
                    "rows_loaded": batch.rows_loaded,
                    "rows_rejected": batch.rows_rejected,
                    "rows_superseded": batch.rows_superseded,
                    "rows_held_for_review": batch.rows_held_for_review,
                    "message": batch.message,
                }
            )
        if result.refused:
            say(f"refused: {batch.message}")
    if as_json:
        typer.echo(json.dumps({"batches": outcomes}, ensure_ascii=False))
    if any(outcome["status"] == "refused" for outcome in outcomes):
        raise typer.Exit(1)


@cli.command()
def synth(
    out: Annotated[Path, typer.Option(help="directory to write the city's files into")],
    enterprises: int = 3000,
    months: int = 36,
    seed: int = 20261123,
    file_format: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    error_rate: Annotated[float, typer.Option(help="share of rows given a data error")] = 0.005,
) -> None:
    """Write a synthetic city (湖州) in the data contracts, plus truth.parquet; prints a summary."""
    from scoring.synthetic.city import CityParams, generate_city

    summary = generate_city(
        CitySpec(enterprises=enterprises, seed=seed),
        months=months,
        out_dir=out,
        file_format=file_format,
        params=CityParams(months=months, error_rate=error_rate),
    )
    typer.echo(
        json.dumps(
            {
                "enterprises": summary.enterprises,
                "months": [summary.months[0], summary.months[-1]],
                "rows": summary.rows,
                "errors": summary.errors,
                "snapshot_month": summary.snapshot_month,
                "borrowers": summary.borrowers,
                "default_rate": round(summary.default_rate, 4),
                "oracle_auc": round(summary.oracle_auc, 4),
            },
            ensure_ascii=False,
        )
    )


@cli.command()
def score(
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default: today")] = None,
    partitions: Annotated[int, typer.Option(min=1, help="enterprise partitions")] = 4,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score every enterprise with the champion model, partition by partition; PSI vs last run."""
    from datetime import date

    from scoring.scores import service as score_service
    from scoring.sources.snapshot import load_sources
    from scoring.sources.store import SourceStore

    day = date.fromisoformat(as_of) if as_of else to_local(utcnow()).date()
    try:
        with session_scope() as session:
            sources = load_sources(session, store=SourceStore(get_settings().data_dir))
            run = score_service.run_batch(
                session, as_of=day, sources=sources, actor=CLI_ACTOR, partitions=partitions
            )
            summary = {
                "run": run.id,
                "as_of": str(run.as_of),
                "model": run.model_name,
                "scored": run.enterprises,
                "psi": run.psi,
            }
    except DomainError as error:
        fail(str(error))
    typer.echo(
        json.dumps(summary)
        if as_json
        else f"run {summary['run']}: {summary['scored']} enterprises scored with "
        f"{summary['model']} as of {summary['as_of']}; PSI {run.psi.get('points', '—')}"
    )


@model_cli.command("evaluate")
def model_evaluate(
    data: Annotated[Path, typer.Option(exists=True, help="a labelled table: CSV, Excel, Parquet")],
    label: Annotated[str, typer.Option(help="the 0/1 default column")],
    id_column: Annotated[str | None, typer.Option("--id", help="an id column to leave out")] = None,
    folds: int = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Cross-validate the platform's model on any labelled table (a bank's own loan book)."""
    from scoring.model.estimator import InvalidTrainingData
    from scoring.model.table_training import evaluate_file

    try:
        result = evaluate_file(data, label=label, id_column=id_column, folds=folds)
    except InvalidTrainingData as error:
        fail(str(error))
    typer.echo(
        json.dumps(result)
        if as_json
        else f"AUC {result['auc']:.4f}, KS {result['ks']:.4f}, Brier {result['brier']:.5f} "
        f"over {result['n']} rows ({result['positives']} defaults), {folds}-fold"
    )


@model_cli.command("train")
def model_train(
    data: Annotated[
        Path | None, typer.Option(exists=True, help="a labelled table; omit to use ingested data")
    ] = None,
    label: Annotated[str | None, typer.Option(help="the 0/1 default column of --data")] = None,
    id_column: Annotated[str | None, typer.Option("--id", help="an id column to leave out")] = None,
    months: Annotated[int, typer.Option(help="as-of months of platform snapshots")] = 24,
) -> None:
    """Train and register a model (not champion until promoted): on a table, or the platform."""
    from scoring.model.estimator import InvalidTrainingData
    from scoring.model.table_training import train_file
    from scoring.sources.store import SourceStore
    from scoring.training.platform import train_platform_model

    if data is not None and not label:
        fail("--label names the 0/1 default column of --data")
    try:
        with session_scope() as session:
            if data is not None and label:
                version = train_file(
                    session, path=data, label=label, id_column=id_column, actor=CLI_ACTOR
                )
            else:
                version = train_platform_model(
                    session,
                    store=SourceStore(get_settings().data_dir),
                    actor=CLI_ACTOR,
                    months=months,
                )
            test = version.metrics["test"]
            typer.echo(
                json.dumps(
                    {
                        "model": version.name,
                        "sha256": version.artifact_sha256,
                        "metrics": {k: test[k] for k in ("auc", "ks", "brier", "n", "positives")},
                    }
                )
            )
    except (InvalidTrainingData, ValueError) as error:
        fail(str(error))


@model_cli.command("promote")
def model_promote(name: str) -> None:
    """Make a registered model the champion that scores every enterprise (audited)."""
    from scoring.registry import service as registry_service

    try:
        with session_scope() as session:
            version = registry_service.promote(session, name=name, actor=CLI_ACTOR)
            typer.echo(json.dumps({"champion": version.name}))
    except DomainError as error:
        fail(str(error))


@model_cli.command("list")
def model_list() -> None:
    """Registered models, newest first; * marks the champion."""
    from scoring.registry import service as registry_service

    with session_scope() as session:
        for version in registry_service.list_all(session):
            test = version.metrics.get("test", {})
            typer.echo(
                f"{'*' if version.is_champion else ' '} {version.name}  {version.source}  "
                f"AUC {test.get('auc', float('nan')):.4f}"
            )


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
                actor=CLI_ACTOR,
            )
            typer.echo(json.dumps({"id": user.id, "username": user.username, "role": user.role}))
    except (DomainError, ValueError) as error:
        fail(str(error))


@lender_cli.command("create")
def lender_create(code: str, name: str) -> None:
    """Register a lender by its short code and full name."""
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
                actor=CLI_ACTOR,
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
) -> None:
    """Run the headless demo story: synthesize and ingest a city, add lenders and accounts."""
    city_dir = get_settings().data_dir / "demo-city" / f"{enterprises}-{months}-{seed}"
    with session_scope() as session:
        if if_empty and enterprise_repository.count(session) > 0:
            typer.echo("demo data present; nothing to do", err=True)
            return
        summary = story.run(
            session,
            spec=CitySpec(enterprises=enterprises, seed=seed),
            months=months,
            city_dir=city_dir,
        )
    wait_for_inline_tasks()
    if as_json:
        typer.echo(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        typer.echo(
            f"{summary.enterprises} enterprises ({summary.uscc_reviews} held for USCC review), "
            f"{summary.records_loaded:,} source records in {summary.batches} batches "
            f"({summary.rows_rejected:,} rows rejected), "
            f"{summary.scoring.get('scored', 0)} scored by "
            f"{summary.scoring.get('model', 'no model')}, "
            f"{summary.lenders} lenders; "
            f"accounts {', '.join(summary.accounts)} with password {story.DEMO_PASSWORD}"
        )


def main() -> None:
    """Entry point of the ``xyd`` script."""
    try:
        cli()
    except InsecureSettingsError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
