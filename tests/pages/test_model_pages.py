"""The model registry's pages: the office reads the cards, the admin promotes (audited)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from scoring.registry.models import ModelVersion
from tests.factories import make_user
from tests.pages.helpers import form_token, sign_in


def version(db: Session, name: str, *, champion: bool = False) -> ModelVersion:
    row = ModelVersion(
        name=name,
        source="platform",
        trained_by="test",
        artifact_path="/nonexistent",
        artifact_sha256="0" * 64,
        data_sha256="0" * 64,
        metrics={"auc": 0.8405, "note": "not a number"},
        is_champion=champion,
    )
    db.add(row)
    db.flush()
    return row


@pytest.fixture
def versions(db: Session) -> tuple[ModelVersion, ModelVersion]:
    return version(db, "m-old", champion=True), version(db, "m-new")


def test_the_office_reads_the_versions_but_cannot_promote(
    client: TestClient, db: Session, versions: tuple[ModelVersion, ModelVersion]
) -> None:
    sign_in(client, make_user(db, Role.OFFICE))
    listing = client.get("/models").text
    assert "m-old" in listing and "在用" in listing and "0.8405" in listing
    card = client.get("/models/m-new").text
    assert "备选" in card and "启用为在用模型" not in card and "not a number" not in card
    refused = client.post(
        "/models/m-new/promote", data={"csrf_token": form_token(client, "/models/m-new")}
    )
    assert refused.status_code == 403
    db.refresh(versions[1])
    assert not versions[1].is_champion


def test_the_admin_promotes_a_version_and_the_old_champion_steps_down(
    client: TestClient, db: Session, versions: tuple[ModelVersion, ModelVersion]
) -> None:
    old, new = versions
    sign_in(client, make_user(db, Role.ADMIN, display_name="模型管理员"))
    answer = client.post(
        "/models/m-new/promote",
        data={"csrf_token": form_token(client, "/models/m-new")},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/models/m-new"
    db.refresh(old)
    db.refresh(new)
    assert new.is_champion and not old.is_champion
    audited = db.exec(select(AuditEvent).where(AuditEvent.subject_id == "m-new")).all()
    assert audited, "the promotion is in the audit log"
    card = client.get("/models/m-new").text
    assert "启用为在用模型" not in card  # already the champion
    assert "（模型管理员）" in card and "user:" not in card  # who promoted it, by name


@pytest.mark.parametrize("name", ["no-such-model", "%3Cscript%3E", "..%2F..%2Fetc"])
def test_an_unknown_version_is_a_chinese_404(client: TestClient, db: Session, name: str) -> None:
    sign_in(client, make_user(db, Role.ADMIN))
    page = client.get(f"/models/{name}")
    assert page.status_code == 404 and "<script>" not in page.text
    promoted = client.post(
        f"/models/{name}/promote", data={"csrf_token": form_token(client, "/models")}
    )
    assert promoted.status_code == 404


def test_a_platform_versions_card_shows_its_metrics_by_data_set(
    client: TestClient, db: Session
) -> None:
    # What scoring.training.platform records: n, positives, AUC, KS, Brier per data set.
    figures = {"n": 154, "positives": 14, "auc": 0.69231, "ks": 0.4, "brier": 0.09242}
    row = version(db, "m-platform")
    row.metrics = {
        "train": {**figures, "auc": 0.9924, "calibration": [{"decile": 1}]},
        "valid": {**figures, "auc": 0.7511},
        "test": {**figures, "default_rate_by_grade": {"A": {"default_rate": 0.0}}},
    }
    db.add(row)
    db.flush()
    sign_in(client, make_user(db, Role.OFFICE))
    listing = client.get("/models").text
    assert "0.6923" in listing  # the list compares versions by their out-of-time test AUC
    card = client.get("/models/m-platform").text
    for shown in ("训练集", "验证集", "测试集（跨期）", "0.9924", "0.7511", "0.6923", "154"):
        assert shown in card, shown
    assert "decile" not in card and "default_rate" not in card
