"""The ``xyd`` commands for source data and scoring: ingest, synth, score, model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli_support import cli_actor, fail, require_schema

model_cli = typer.Typer(
    help="Credit models: evaluate, train, register, promote.", no_args_is_help=True
)


@model_cli.callback()
def _model_setup(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand != "evaluate":  # evaluate reads a file, not the database
        require_schema()


def ingest(
    path: Annotated[Path, typer.Argument(exists=True, help="a file, or a directory of files")],
    kind: Annotated[
        str | None, typer.Option(help="the source kind, if the name does not say")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON summary")] = False,
) -> None:
    """Load source files, one batch each: good rows load, bad rows are kept with reasons."""
    from app.core.db import session_scope
    from scoring.sources import service as source_service

    say = lambda message: typer.echo(message, err=True)  # noqa: E731 - progress to stderr
    files = source_service.source_files(path)
    outcomes = []
    for index, file in enumerate(files, start=1):
        say(f"[{index}/{len(files)}] {file.name}")
        with session_scope() as session:
            result = source_service.ingest_file(
                session, path=file, actor=cli_actor(), kind=kind, report=say
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
    from scoring.synthetic.registry import CitySpec

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


def score(
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD; default: today")] = None,
    partitions: Annotated[int, typer.Option(min=1, help="enterprise partitions")] = 4,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score every enterprise with the champion model, partition by partition; PSI vs last run."""
    from datetime import date

    from app.core.clock import to_local, utcnow
    from app.core.config import get_settings
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from scoring.scores import service as score_service
    from scoring.sources.snapshot import load_sources
    from scoring.sources.store import SourceStore

    day = date.fromisoformat(as_of) if as_of else to_local(utcnow()).date()
    try:
        with session_scope() as session:
            sources = load_sources(session, store=SourceStore(get_settings().data_dir))
            run = score_service.run_batch(
                session, as_of=day, sources=sources, actor=cli_actor(), partitions=partitions
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


def score_sweep(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Close score runs whose partitions are all done; re-queue, then fail, stuck ones."""
    from datetime import timedelta

    from app.core.clock import utcnow
    from app.core.config import get_settings
    from app.core.db import session_scope
    from scoring.scores.sweep import sweep_runs

    timeout = timedelta(minutes=get_settings().scoring.run_timeout_minutes)
    with session_scope() as session:
        outcome = sweep_runs(session, now=utcnow(), timeout=timeout)
    summary = {
        "finished": outcome.finished,
        "requeued": {str(run): parts for run, parts in outcome.requeued.items()},
        "failed": outcome.failed,
    }
    typer.echo(
        json.dumps(summary)
        if as_json
        else f"{len(outcome.finished)} closed, {len(outcome.requeued)} re-queued, "
        f"{len(outcome.failed)} failed"
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
    from scoring.training.table import evaluate_file

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
    from app.core.config import get_settings
    from app.core.db import session_scope
    from scoring.model.estimator import InvalidTrainingData
    from scoring.sources.store import SourceStore
    from scoring.training.platform import train_platform_model
    from scoring.training.table import train_file

    if data is not None and not label:
        fail("--label names the 0/1 default column of --data")
    try:
        with session_scope() as session:
            if data is not None and label:
                version = train_file(
                    session, path=data, label=label, id_column=id_column, actor=cli_actor()
                )
            else:
                version = train_platform_model(
                    session,
                    store=SourceStore(get_settings().data_dir),
                    actor=cli_actor(),
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
    from app.core.db import session_scope
    from app.core.errors import DomainError
    from scoring.registry import service as registry_service

    try:
        with session_scope() as session:
            version = registry_service.promote(session, name=name, actor=cli_actor())
            typer.echo(json.dumps({"champion": version.name}))
    except DomainError as error:
        fail(str(error))


@model_cli.command("list")
def model_list() -> None:
    """Registered models, newest first; * marks the champion."""
    from app.core.db import session_scope
    from scoring.registry import service as registry_service

    with session_scope() as session:
        for version in registry_service.list_all(session):
            test = version.metrics.get("test", {})
            typer.echo(
                f"{'*' if version.is_champion else ' '} {version.name}  {version.source}  "
                f"AUC {test.get('auc', float('nan')):.4f}"
            )
