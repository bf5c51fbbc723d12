"""Fixtures shared by scoring tests: an ingested synthetic city with a champion model."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from app.audit.service import SystemActor
from scoring.registry import service as registry_service
from scoring.sources import service as source_service
from scoring.sources.store import SourceStore
from scoring.synthetic.city import CityParams, generate_city
from scoring.synthetic.registry import CitySpec
from scoring.training.platform import train_platform_model

ACTOR = SystemActor("test")


def clean_city(factory: pytest.TempPathFactory, *, enterprises: int, seed: int) -> Path:
    """A 36-month synthetic city without injected data errors, in a fresh directory."""
    directory = factory.mktemp(f"city{enterprises}-{seed}")
    generate_city(
        CitySpec(enterprises=enterprises, seed=seed),
        months=36,
        out_dir=directory,
        params=CityParams(error_rate=0),
    )
    return directory


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clean_city(tmp_path_factory, enterprises=1500, seed=33)


@pytest.fixture
def platform(db: Session, city: Path, tmp_path: Path) -> SourceStore:
    """The city ingested, a model trained on it and promoted."""
    store = SourceStore(tmp_path)
    for path in source_service.source_files(city):
        if path.stem != "truth":
            source_service.ingest_file(db, path=path, actor=ACTOR, store=store)
    version = train_platform_model(db, store=store, actor=ACTOR, months=16)
    registry_service.promote(db, name=version.name, actor=ACTOR)
    return store
