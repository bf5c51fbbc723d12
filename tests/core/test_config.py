import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from app.core.config import (
    DEFAULT_SECRET,
    Environment,
    InsecureSettingsError,
    SecuritySettings,
    Settings,
)
from app.core.db import reset_caches


def test_placeholder_secret_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XYD_SECRET_KEY")
    with pytest.raises(InsecureSettingsError, match="XYD_SECRET_KEY"):
        Settings(env=Environment.PRODUCTION)
    with pytest.raises(InsecureSettingsError):
        Settings(env=Environment.STAGING, security=SecuritySettings(secret_key="short"))


def test_real_secret_accepted_in_production() -> None:
    secure = SecuritySettings(secret_key="x" * 40)
    Settings(env=Environment.PRODUCTION, security=secure).assert_safe_for_serving()


def test_placeholder_allowed_in_development() -> None:
    Settings(env=Environment.DEVELOPMENT).assert_safe_for_serving()


def test_default_database_is_sqlite_in_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XYD_DATABASE_URL", raising=False)
    settings = Settings(data_dir="/srv/xyd")  # type: ignore[arg-type]
    assert settings.database.url == "sqlite:////srv/xyd/xyd.db"


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XYD_PORT", "9100")
    monkeypatch.setenv("XYD_BROKER_URL", "redis://example:6379/0")
    settings = Settings()
    assert settings.server.port == 9100 and settings.broker.configured


def test_invalid_port_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XYD_PORT", "99999")
    with pytest.raises(ValueError, match="XYD_PORT"):
        Settings()


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """XYD_ENV=production with no secret set; the cached settings are rebuilt before and after."""
    monkeypatch.setenv("XYD_ENV", "production")
    monkeypatch.delenv("XYD_SECRET_KEY")
    reset_caches()
    yield monkeypatch
    monkeypatch.undo()
    reset_caches()


def test_app_factory_refuses_the_placeholder_secret_in_production(
    production: pytest.MonkeyPatch,
) -> None:
    from app.main import create_app

    with pytest.raises(InsecureSettingsError, match=r"XYD_SECRET_KEY 是占位值"):
        create_app()


def test_worker_and_beat_refuse_the_placeholder_secret_in_production(tmp_path: Path) -> None:
    # `celery -A app.worker worker|beat` both import app.worker first.
    env = {**os.environ, "XYD_ENV": "production", "XYD_DATA_DIR": str(tmp_path)}
    env.pop("XYD_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import app.worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "XYD_SECRET_KEY" in result.stderr


def test_a_token_signed_with_the_placeholder_gets_nothing(
    production: pytest.MonkeyPatch,
) -> None:
    from fastapi.testclient import TestClient

    from app.main import create_app

    production.setenv("XYD_SECRET_KEY", "a-real-production-secret-of-enough-length-0123")
    reset_caches()
    now = int(time.time())
    forged = jwt.encode(
        {"sub": "1", "role": "admin", "iat": now, "exp": now + 600, "jti": "f" * 32},
        DEFAULT_SECRET,
        algorithm="HS256",
    )
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
