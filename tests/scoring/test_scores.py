"""Batch scoring, stability, online rescoring — on an ingested synthetic city with a champion."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, select

from scoring.features import build_features
from scoring.registry import service as registry_service
from scoring.scores import service as score_service
from scoring.scores.models import RunStatus, Score
from scoring.scores.online import SourceCache
from scoring.sources import service as source_service
from scoring.sources.snapshot import load_sources
from scoring.sources.store import SourceStore
from tests.scoring_fixtures import ACTOR

AS_OF = date(2026, 11, 1)


def test_batch_run_scores_everyone_once_and_compares_with_the_last(
    db: Session, platform: SourceStore
) -> None:
    sources = load_sources(db, store=platform)
    first = score_service.run_batch(db, as_of=AS_OF, sources=sources, actor=ACTOR, partitions=3)
    enterprises = sources["registration"]["uscc"].nunique()
    assert first.status is RunStatus.DONE and first.enterprises == enterprises
    assert first.psi == {} and "points" in first.profile
    scores = db.exec(select(Score).where(Score.run_id == first.id)).all()
    assert len({s.uscc for s in scores}) == enterprises
    assert {s.model_name for s in scores} == {registry_service.champion(db).name}
    assert all(0 < s.pd < 1 and s.grade in "ABCDE" for s in scores)
    risky = max(scores, key=lambda s: s.pd)
    assert risky.reasons and all(isinstance(r["text"], str) and r["text"] for r in risky.reasons)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in risky.reasons[0]["text"])  # Chinese wording
    again = score_service.run_batch(db, as_of=AS_OF, sources=sources, actor=ACTOR, partitions=3)
    assert again.previous_run_id == first.id
    assert again.psi["points"] == pytest.approx(0.0, abs=1e-9)  # same data, same distribution
    assert again.psi["features"] and all(
        v == pytest.approx(0.0, abs=1e-9) for v in again.psi["features"].values()
    )
    later = score_service.run_batch(
        db, as_of=date(2025, 11, 1), sources=sources, actor=ACTOR, partitions=3
    )
    assert later.psi["points"] > 0  # a year apart, the population has moved


def test_a_partition_runs_once_however_often_it_is_sent(db: Session, platform: SourceStore) -> None:
    sources = load_sources(db, store=platform)
    run = score_service.start_run(db, as_of=AS_OF, partitions=2, actor=ACTOR)
    assert run.id is not None
    written = score_service.score_partition(db, run_id=run.id, index=0, sources=sources)
    assert written > 0
    assert score_service.score_partition(db, run_id=run.id, index=0, sources=sources) == 0
    other = score_service.score_partition(db, run_id=run.id, index=1, sources=sources)
    finished = score_service.finish_run(db, run_id=run.id)
    assert finished.enterprises == written + other == sources["registration"]["uscc"].nunique()


def test_online_rescore_matches_the_batch_and_uses_only_that_enterprise(
    db: Session, platform: SourceStore
) -> None:
    sources = load_sources(db, store=platform)
    run = score_service.run_batch(db, as_of=AS_OF, sources=sources, actor=ACTOR, partitions=1)
    batch = db.exec(select(Score).where(Score.run_id == run.id)).all()
    cache = SourceCache(platform)
    for score in batch[:5]:
        own = cache.for_enterprise(db, uscc=score.uscc)
        assert set(own["tax_monthly"]["uscc"]) <= {score.uscc}
        expected = sources["tax_monthly"][sources["tax_monthly"]["uscc"] == score.uscc]
        assert len(own["tax_monthly"]) == len(expected)
        alone = build_features(own, as_of=AS_OF, usccs=[score.uscc])
        cached = cache.features_for(db, uscc=score.uscc, as_of=AS_OF)
        pd.testing.assert_frame_equal(cached, alone, check_dtype=False, check_categorical=False)
        online = score_service.rescore(
            db,
            uscc=score.uscc,
            features=lambda day, code=score.uscc: cache.features_for(db, uscc=code, as_of=day),
            as_of=AS_OF,
        )
        assert online.run_id is None and online.grade == score.grade
        assert online.pd == pytest.approx(score.pd) and online.points == score.points
    assert score_service.latest(db, uscc=batch[0].uscc).run_id is None  # the newest is online


def test_the_cache_reloads_after_a_new_batch(
    db: Session, platform: SourceStore, tmp_path: Path
) -> None:
    cache = SourceCache(platform)
    code = load_sources(db, store=platform)["registration"]["uscc"].iloc[0]
    before = len(cache.for_enterprise(db, uscc=code)["tax_grade"])
    extra = tmp_path / "tax_grade-extra.csv"
    pd.DataFrame([{"uscc": code, "year": "2005", "grade": "A"}]).to_csv(extra, index=False)
    source_service.ingest_file(db, path=extra, actor=ACTOR, store=platform)
    assert len(cache.for_enterprise(db, uscc=code)["tax_grade"]) == before + 1


def test_cached_features_follow_new_batches_and_enterprises_outside_the_pass(
    db: Session, platform: SourceStore, tmp_path: Path
) -> None:
    cache = SourceCache(platform)
    code = load_sources(db, store=platform)["registration"]["uscc"].iloc[0]
    grade_before = cache.features_for(db, uscc=code, as_of=AS_OF)
    extra = tmp_path / "tax_grade-late.csv"
    year = AS_OF.year - 1
    pd.DataFrame([{"uscc": code, "year": str(year), "grade": "D"}]).to_csv(extra, index=False)
    source_service.ingest_file(db, path=extra, actor=ACTOR, store=platform)
    after = cache.features_for(db, uscc=code, as_of=AS_OF)
    assert not after.equals(grade_before)  # rebuilt from the new batch
    stranger = "91330502MA0000000X"
    alone = cache.features_for(db, uscc=stranger, as_of=AS_OF)
    assert list(alone.index) == [stranger] and list(alone.columns) == list(after.columns)
