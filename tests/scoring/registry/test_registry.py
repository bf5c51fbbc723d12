from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.errors import ErrorKind
from scoring.model.estimator import CreditModel
from scoring.registry import service as registry_service
from scoring.registry.exceptions import ModelNotFound, ModelUnavailable, NoChampion
from scoring.registry.models import ModelVersion
from tests.scoring.model.data import loan_book

ACTOR = SystemActor("test")


def trained() -> tuple[CreditModel, pd.DataFrame]:
    frame, _ = loan_book(1500)
    X = frame[["arrears", "growth", "sector"]].assign(
        sector=lambda f: f["sector"].astype("category")
    )
    model = CreditModel(seed=3, monotone={"arrears": 1}).fit(
        X[:1000], frame["bad"][:1000], X_valid=X[1000:], y_valid=frame["bad"][1000:]
    )
    return model, X[1000:]


def register(db: Session, root: Path) -> ModelVersion:
    model, _ = trained()
    return registry_service.register(
        db,
        model=model,
        source="test",
        training_window={"from": "2024-01", "to": "2025-06"},
        metrics={"test": {"auc": 0.8}},
        data_sha256="0" * 64,
        actor=ACTOR,
        root=root,
    )


def test_register_saves_text_model_and_cards_and_loads_back(db: Session, tmp_path: Path) -> None:
    model, X = trained()
    version = registry_service.register(
        db,
        model=model,
        source="test",
        training_window={},
        metrics={},
        data_sha256="0" * 64,
        actor=ACTOR,
        root=tmp_path,
    )
    folder = Path(version.artifact_path)
    assert (folder / "model.txt").read_text().startswith("tree")
    assert "# Model card" in (folder / "card.md").read_text()
    loaded, card = registry_service.load(version)
    assert card["monotone_constraints"] == {"arrears": 1}
    assert np.allclose(loaded.predict_pd(X), model.predict_pd(X))
    assert not version.is_champion


def test_tampered_model_file_is_refused(db: Session, tmp_path: Path) -> None:
    version = register(db, tmp_path)
    path = Path(version.artifact_path) / "model.txt"
    path.write_text(path.read_text() + "\n")
    with pytest.raises(ModelUnavailable, match="does not match"):
        registry_service.load(version)


def test_missing_model_files_are_a_clear_refusal(db: Session, tmp_path: Path) -> None:
    version = register(db, tmp_path)
    (Path(version.artifact_path) / "model.txt").unlink()
    with pytest.raises(ModelUnavailable) as refused:
        registry_service.load(version)
    assert refused.value.kind is ErrorKind.CONFLICT and str(tmp_path) not in refused.value.detail


def test_promotion_keeps_exactly_one_champion_and_is_audited(db: Session, tmp_path: Path) -> None:
    with pytest.raises(NoChampion):
        registry_service.champion(db)
    first, second = register(db, tmp_path), register(db, tmp_path)
    registry_service.promote(db, name=first.name, actor=ACTOR)
    registry_service.promote(db, name=second.name, actor=ACTOR)
    champions = db.exec(select(ModelVersion).where(ModelVersion.is_champion == True)).all()  # noqa: E712
    assert [v.name for v in champions] == [second.name]
    assert registry_service.champion(db).name == second.name
    events = db.exec(
        select(AuditEvent).where(AuditEvent.action == "model.promote").order_by(col(AuditEvent.id))
    ).all()
    assert [e.detail["previous"] for e in events] == [None, first.name]
    with pytest.raises(ModelNotFound):
        registry_service.promote(db, name="m-nope", actor=ACTOR)


def test_the_database_refuses_two_champions(db: Session, tmp_path: Path) -> None:
    first, second = register(db, tmp_path), register(db, tmp_path)
    first.is_champion = second.is_champion = True
    db.add_all([first, second])
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.flush()
