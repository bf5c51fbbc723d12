"""HTTP fixtures: the real application, sharing the test's rolled-back session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.api.deps import get_session
from app.main import create_app


def bind_to(application: FastAPI, db: Session) -> FastAPI:
    """``application`` with every request served in the test's session ``db``."""

    def test_session() -> Iterator[Session]:
        db.commit()  # keep the test's own setup when a failing request rolls back
        db.expire_all()  # each request reads fresh rows, as a new session would
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise

    application.dependency_overrides[get_session] = test_session
    return application


@pytest.fixture
def app(db: Session, sent_tasks: list[tuple[str, dict[str, object]]]) -> FastAPI:
    return bind_to(create_app(), db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def sent_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, object]]]:
    """Tasks the routes sent after commit, kept here instead of run against the test database.

    Dispatch itself is tested with a real worker in tests/ops; here a task running on another
    connection would only contend with the test's open transaction.
    """
    from app.core import taskqueue

    sent: list[tuple[str, dict[str, object]]] = []
    monkeypatch.setattr(taskqueue, "send_now", lambda name, **kwargs: sent.append((name, kwargs)))
    return sent
