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
    sign_in(client, make_user(db, Role.ADMIN))
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
    assert "启用为在用模型" not in client.get("/models/m-new").text  # already the champion


@pytest.mark.parametrize("name", ["no-such-model", "%3Cscript%3E", "..%2F..%2Fetc"])
def test_an_unknown_version_is_a_chinese_404(client: TestClient, db: Session, name: str) -> None:
    sign_in(client, make_user(db, Role.ADMIN))
    page = client.get(f"/models/{name}")
    assert page.status_code == 404 and "<script>" not in page.text
    promoted = client.post(
        f"/models/{name}/promote", data={"csrf_token": form_token(client, "/models")}
    )
    assert promoted.status_code == 404
