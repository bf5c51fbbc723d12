import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
from pydantic_settings import BaseSettings

from app.core.config import (
    DEFAULT_SECRET,
    Environment,
    InsecureSettingsError,
    SecuritySettings,
    Settings,
    get_settings,
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


README = Path(__file__).parents[2] / "README.md"


def readme_variables() -> list[str]:
    """The variables named in the first column of the README's configuration table."""
    section = README.read_text(encoding="utf-8").split("\n## Configuration\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `XYD_")]
    return [name for cell in rows for name in re.findall(r"`(XYD_[A-Z0-9_]+)`", cell)]


def variables() -> dict[str, tuple[str | None, str]]:
    """Every variable Settings reads, to its group (None: Settings itself) and field."""
    found: dict[str, tuple[str | None, str]] = {}
    for name, field in Settings.model_fields.items():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseSettings):
            for inner, inner_field in group.model_fields.items():
                found[str(inner_field.validation_alias)] = (name, inner)
        else:
            found[str(field.validation_alias)] = (None, name)
    return found


def test_the_readme_lists_every_variable_and_only_those() -> None:
    listed = readme_variables()
    assert len(listed) == len(set(listed)), "a variable is listed twice"
    assert set(listed) == set(variables())


# A valid value other than the default for each variable whose type alone does not give one,
# and what the setting reads then; numbers are taken one above their default.
SAMPLES: dict[str, tuple[str, Any]] = {
    "XYD_ENV": ("staging", Environment.STAGING),
    "XYD_DATA_DIR": ("/srv/elsewhere", Path("/srv/elsewhere")),
    "XYD_DATABASE_URL": ("sqlite:////srv/other.db", "sqlite:////srv/other.db"),
    "XYD_BROKER_URL": ("redis://example:6379/3", "redis://example:6379/3"),
    "XYD_SECRET_KEY": ("k" * 40, "k" * 40),
    "XYD_HOST": ("10.0.0.5", "10.0.0.5"),
    "XYD_LOG_LEVEL": ("DEBUG", "DEBUG"),
    "XYD_LOG_JSON": ("false", False),
    "XYD_TIMEZONE": ("UTC", ZoneInfo("UTC")),
    "XYD_CITY_DISTRICTS": ("330502, 330503", frozenset({"330502", "330503"})),
    "XYD_REGISTRATION_VERIFIER": ("sms", "sms"),
}


@pytest.mark.parametrize("name", readme_variables())
def test_each_readme_variable_sets_its_setting(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    group, field = variables()[name]
    owner: Any = Settings() if group is None else getattr(Settings(), group)
    default = getattr(owner, field)
    if name == "XYD_SMS_BACKEND":  # "log" is its only value yet: a wrong one must be refused
        monkeypatch.setenv(name, "smtp")
        with pytest.raises(ValueError, match=name):
            Settings()
        return
    if name in SAMPLES:
        value, expected = SAMPLES[name]
    elif name.endswith("_CRON"):
        value = expected = "1 2 * * *"
    else:
        assert isinstance(default, int | float) and not isinstance(default, bool), name
        expected = default + 1
        value = str(expected)
    assert expected != default
    monkeypatch.setenv(name, value)
    settings = Settings()
    assert getattr(settings if group is None else getattr(settings, group), field) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [("XYD_DELIVERY_BACKOFF_BASE_SECONDS", "0"), ("XYD_EXCEL_MAX_ROWS", "x"), ("XYD_ENV", "prod")],
)
def test_a_bad_value_is_reported_under_its_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        Settings()


def test_a_dotenv_file_is_read_for_every_group(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "XYD_LEAD_FANOUT=4\nXYD_TIMEZONE=UTC\nXYD_PORT=9200\nOTHER_PROGRAM=1\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    for name in ("XYD_LEAD_FANOUT", "XYD_TIMEZONE", "XYD_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.leads.fanout, settings.city.timezone, settings.server.port) == (
        4,
        ZoneInfo("UTC"),
        9200,
    )
    monkeypatch.setenv("XYD_PORT", "9300")  # the environment wins over the file
    assert Settings().server.port == 9300


def test_the_placeholder_secret_is_refused_from_a_dotenv_file_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("XYD_ENV=production\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XYD_ENV")
    monkeypatch.delenv("XYD_SECRET_KEY")
    get_settings.cache_clear()
    try:
        with pytest.raises(InsecureSettingsError, match="XYD_SECRET_KEY"):
            get_settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
