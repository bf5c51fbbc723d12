"""The model registry: register versions, promote one champion (an audited act), load models."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.config import get_settings
from scoring.registry import artifacts, card, repository
from scoring.registry.exceptions import ModelNotFound, ModelUnavailable, NoChampion
from scoring.registry.models import ModelVersion

if TYPE_CHECKING:  # LightGBM loads when a model does, not with the web app
    from scoring.model.estimator import CreditModel

log = logging.getLogger(__name__)


def models_dir() -> Path:
    return get_settings().data_dir / "models"


def register(
    session: Session,
    *,
    model: CreditModel,
    source: str,
    training_window: dict[str, Any],
    metrics: dict[str, Any],
    data_sha256: str,
    actor: Actor,
    root: Path | None = None,
) -> ModelVersion:
    """Save the artifacts and list the version; it is not champion until promoted."""
    name = f"m{utcnow():%Y%m%d}-{repository.count(session) + 1:03d}"
    directory = (root or models_dir()) / name
    model_card = artifacts.card_for(
        model,
        name=name,
        source=source,
        training_window=training_window,
        metrics=metrics,
        data_sha256=data_sha256,
    )
    digest = artifacts.save(
        directory, model=model, card=model_card, readable=card.render(name, model_card)
    )
    version = ModelVersion(
        name=name,
        source=source,
        trained_by=actor.ref,
        training_window=training_window,
        features=list(model.feature_names_),
        metrics=metrics,
        artifact_path=str(directory),
        artifact_sha256=digest,
        data_sha256=data_sha256,
    )
    session.add(version)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="model.register",
        subject_type="model",
        subject_id=name,
        detail={"source": source, "sha256": digest},
    )
    return version


def get(session: Session, *, name: str) -> ModelVersion:
    version = repository.by_name(session, name)
    if version is None:
        raise ModelNotFound(f"model {name} is not registered")
    return version


def list_all(session: Session) -> Sequence[ModelVersion]:
    return repository.newest_first(session)


def champion(session: Session) -> ModelVersion:
    version = repository.champion(session)
    if version is None:
        raise NoChampion("no model has been promoted to champion yet")
    return version


def promote(session: Session, *, name: str, actor: Actor) -> ModelVersion:
    """Make ``name`` the one champion; the previous champion steps down in the same transaction."""
    version = get(session, name=name)
    previous = repository.champion(session)
    if previous is not None and previous.id == version.id:
        return version
    repository.step_down_champion(session)
    session.flush()
    version.is_champion = True
    version.promoted_at = utcnow()
    version.promoted_by = actor.ref
    session.add(version)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="model.promote",
        subject_type="model",
        subject_id=name,
        detail={"previous": previous.name if previous else None},
    )
    return version


def load(version: ModelVersion) -> tuple[CreditModel, dict[str, Any]]:
    """The fitted model of a version, checked against its recorded hash."""
    try:
        return _load(version.artifact_path, version.artifact_sha256, version.name)
    except (OSError, ValueError) as error:
        # A clear refusal, not a 500; the log keeps the path, the answer does not.
        log.warning("model files unusable", extra={"model": version.name, "error": str(error)})
        raise ModelUnavailable(
            f"模型 {version.name} 的文件缺失或与登记的哈希不符（does not match its registry entry）"
        ) from error


@lru_cache(maxsize=4)
def _load(path: str, sha256: str, name: str) -> tuple[CreditModel, dict[str, Any]]:
    # Versions are immutable and hash-checked, so parsing each once per process is safe; online
    # rescoring and every scoring partition would otherwise re-read the model from disk.
    model, model_card = artifacts.load(Path(path))
    if model_card["artifact_sha256"] != sha256:
        raise ValueError(f"model {name}: files on disk differ from the registry")
    return model, model_card
