from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.api.routes import scores as score_routes
from scoring.scores import service as score_service
from scoring.scores.online import SourceCache
from scoring.sources.snapshot import load_sources
from scoring.sources.store import SourceStore
from tests.factories import bearer, make_user
from tests.scoring_fixtures import ACTOR


def test_enterprise_reads_its_score_and_rescores(
    client: TestClient,
    db: Session,
    platform: SourceStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(score_routes, "shared_cache", lambda: SourceCache(platform))
    sources = load_sources(db, store=platform)
    run = score_service.run_batch(
        db, as_of=date(2026, 11, 1), sources=sources, actor=ACTOR, partitions=1
    )
    code = sources["registration"]["uscc"].iloc[0]
    firm = make_user(db, Role.ENTERPRISE, uscc=code)
    office = make_user(db, Role.OFFICE)
    score = client.get(f"/api/v1/enterprises/{code}/score", headers=bearer(firm))
    assert score.status_code == 200, score.text
    body = score.json()
    assert body["run_id"] == run.id and body["grade"] in "ABCDE"
    assert body["grade_name"] in {"优秀", "良好", "中等", "较差", "差"}
    rescored = client.post(f"/api/v1/enterprises/{code}/rescore", headers=bearer(office))
    assert rescored.status_code == 200 and rescored.json()["run_id"] is None
    runs = client.get("/api/v1/score-runs", headers=bearer(office)).json()
    assert runs["count"] == 1 and runs["data"][0]["enterprises"] == run.enterprises


def test_rescore_without_a_champion_says_so(client: TestClient, db: Session) -> None:
    from tests.factories import make_enterprise

    enterprise = make_enterprise(db)
    office = make_user(db, Role.OFFICE)
    response = client.post(f"/api/v1/enterprises/{enterprise.uscc}/rescore", headers=bearer(office))
    assert response.status_code == 404 and response.json()["code"] == "no_champion_model"
    unscored = client.get(f"/api/v1/enterprises/{enterprise.uscc}/score", headers=bearer(office))
    assert unscored.status_code == 404 and "not been scored" in unscored.json()["detail"]
