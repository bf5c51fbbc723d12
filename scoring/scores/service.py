"""Batch scoring (partitioned by enterprise) with stability checks, and online rescoring."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from app.audit.service import Actor
from app.core import events, receipts
from app.core.clock import to_local, utcnow
from app.core.errors import NotFound
from scoring.features import build_features
from scoring.registry import service as registry_service
from scoring.scores import repository, stability
from scoring.scores.events import ScoreRunFinished
from scoring.scores.models import RunStatus, Score, ScoreRun

__all__ = ["ScoreRun"]
from scoring.scores.scorer import partition_of, score_features

PARTITION_TASK = "scoring.score_partition"
KEY_FEATURES = 10


def start_run(session: Session, *, as_of: date, partitions: int, actor: Actor) -> ScoreRun:
    """Open a run with the current champion; partitions fill it."""
    champion = registry_service.champion(session)
    run = ScoreRun(
        as_of=as_of, model_name=champion.name, partitions=partitions, started_by=actor.ref
    )
    session.add(run)
    session.flush()
    return run


def score_partition(
    session: Session, *, run_id: int, index: int, sources: Mapping[str, pd.DataFrame]
) -> int:
    """Score one partition of the enterprises once; returns how many rows it wrote."""
    run = _run(session, run_id)
    key = f"{run_id}:{index}"
    if receipts.done(session, task=PARTITION_TASK, key=key):
        return 0
    usccs = sources["registration"]["uscc"].drop_duplicates().tolist()
    mine = [
        code
        for code, part in zip(usccs, partition_of(usccs, partitions=run.partitions), strict=True)
        if part == index
    ]
    if not mine:
        receipts.first_time(session, task=PARTITION_TASK, key=key)
        return 0
    model, _card = registry_service.load(registry_service.get(session, name=run.model_name))
    features = build_features(sources, as_of=run.as_of, usccs=mine)
    scored = score_features(model, features)
    # Claimed only now, with the writes, so the write lock is held for as short as possible.
    if not receipts.first_time(session, task=PARTITION_TASK, key=key):
        return 0
    repository.add_scores(session, _rows(scored, run=run))
    return len(scored)


def closes_run(session: Session, *, run_id: int) -> bool:
    """Whether the caller's partition, committed with this transaction, completes the run."""
    run = repository.lock_run(session, run_id=run_id)
    if run is None or run.status is not RunStatus.RUNNING:
        return False
    return repository.partitions_done(session, run_id=run_id) == run.partitions


def _rows(scored: pd.DataFrame, *, run: ScoreRun) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "run_id": run.id,
            "uscc": uscc,
            "as_of": run.as_of,
            "model_name": run.model_name,
            "pd": float(row.pd),
            "points": int(row.points),
            "grade": str(row.grade),
            "reasons": row.reasons,
            "scored_at": now,
        }
        for uscc, row in zip(scored.index, scored.itertuples(index=False), strict=True)
    ]


def finish_run(session: Session, *, run_id: int, features: pd.DataFrame | None = None) -> ScoreRun:
    """Close the run: its size, its profile, and PSI against the previous finished run."""
    run = _run(session, run_id)
    points = repository.points_of(session, run_id=run_id)
    profile: dict[str, Any] = {"points": stability.profile(points), "features": {}}
    if features is not None:
        for name in _key_features(session, run):
            profile["features"][name] = stability.profile(features[name])
    previous = repository.previous_done(session, before_id=run_id)
    psi: dict[str, Any] = {}
    if previous is not None and previous.profile:
        psi["points"] = stability.psi(previous.profile["points"], points)
        psi["features"] = {
            name: stability.psi(earlier, features[name])
            for name, earlier in previous.profile.get("features", {}).items()
            if features is not None and name in features
        }
        psi["previous_run_id"] = previous.id
    run.previous_run_id = previous.id if previous else None
    run.profile, run.psi = profile, psi
    run.enterprises = repository.count_for(session, run_id=run_id)
    run.status, run.finished_at = RunStatus.DONE, utcnow()
    session.add(run)
    session.flush()
    assert run.id is not None
    # The fund's forecast, among others, reads the new PDs: told here, in the closing commit.
    events.publish(
        session, ScoreRunFinished(run_id=run.id, as_of=run.as_of, enterprises=run.enterprises)
    )
    return run


def _key_features(session: Session, run: ScoreRun) -> list[str]:
    model, _ = registry_service.load(registry_service.get(session, name=run.model_name))
    gains = model.booster_.feature_importance(importance_type="gain")
    ranked = sorted(zip(model.feature_names_, gains, strict=True), key=lambda p: -p[1])
    return [name for name, _ in ranked[:KEY_FEATURES]]


def run_batch(
    session: Session,
    *,
    as_of: date,
    sources: Mapping[str, pd.DataFrame],
    actor: Actor,
    partitions: int = 4,
) -> ScoreRun:
    """Every partition in this process, then finish: the whole batch in one transaction."""
    run = start_run(session, as_of=as_of, partitions=partitions, actor=actor)
    assert run.id is not None
    for index in range(partitions):
        score_partition(session, run_id=run.id, index=index, sources=sources)
    features = build_features(sources, as_of=as_of)
    return finish_run(session, run_id=run.id, features=features)


def rescore(
    session: Session,
    *,
    uscc: str,
    features: Callable[[date], pd.DataFrame],
    as_of: date | None = None,
) -> Score:
    """Recompute one enterprise now with the champion model; ``features(day)`` gives its row."""
    champion = registry_service.champion(session)
    model, _ = registry_service.load(champion)
    day = as_of or to_local(utcnow()).date()
    scored = score_features(model, features(day))
    row = scored.iloc[0]
    score = Score(
        uscc=uscc,
        as_of=day,
        model_name=champion.name,
        pd=float(row["pd"]),
        points=int(row["points"]),
        grade=str(row["grade"]),
        reasons=row["reasons"],
    )
    session.add(score)
    session.flush()
    return score


def latest(session: Session, *, uscc: str) -> Score:
    score = repository.latest_for(session, uscc=uscc)
    if score is None:
        raise NotFound(f"enterprise {uscc} has not been scored yet")
    return score


def history(session: Session, *, uscc: str, limit: int = 12) -> Sequence[Score]:
    """The enterprise's latest ``limit`` scores, newest first; empty when never scored."""
    return repository.history_for(session, uscc=uscc, limit=limit)


def latest_grades(session: Session, *, usccs: Sequence[str]) -> dict[str, str]:
    """The grade of each enterprise's latest score; an enterprise never scored is left out."""
    return repository.latest_grades_for(session, usccs=usccs)


def latest_pds(session: Session, *, usccs: Sequence[str]) -> dict[str, float]:
    """The PD of each enterprise's latest score; an enterprise never scored is left out."""
    return repository.latest_pds_for(session, usccs=usccs)


def get_run(session: Session, *, run_id: int) -> ScoreRun:
    """The run; NotFound when there is none."""
    return _run(session, run_id)


def _run(session: Session, run_id: int) -> ScoreRun:
    run = repository.get_run(session, run_id)
    if run is None:
        raise NotFound(f"score run {run_id} does not exist")
    return run


def list_runs(session: Session, *, offset: int, limit: int) -> tuple[list[ScoreRun], int]:
    return repository.runs(session, offset=offset, limit=limit)
