import pytest

from app.core.config import Environment, InsecureSettingsError, Settings


def test_placeholder_secret_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XYD_SECRET_KEY")
    with pytest.raises(InsecureSettingsError, match="XYD_SECRET_KEY"):
        Settings(env=Environment.PRODUCTION).assert_safe_for_serving()
    with pytest.raises(InsecureSettingsError):
        Settings(env=Environment.STAGING, secret_key="short").assert_safe_for_serving()


def test_real_secret_accepted_in_production() -> None:
    Settings(env=Environment.PRODUCTION, secret_key="x" * 40).assert_safe_for_serving()


def test_placeholder_allowed_in_development() -> None:
    Settings(env=Environment.DEVELOPMENT).assert_safe_for_serving()


def test_default_database_is_sqlite_in_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XYD_DATABASE_URL", raising=False)
    settings = Settings(data_dir="/srv/xyd")  # type: ignore[arg-type]
    assert settings.database_url == "sqlite:////srv/xyd/xyd.db"


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XYD_PORT", "9100")
    monkeypatch.setenv("XYD_BROKER_URL", "redis://example:6379/0")
    settings = Settings()
    assert settings.port == 9100 and settings.uses_broker


def test_invalid_port_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XYD_PORT", "99999")
    with pytest.raises(ValueError, match="port"):
        Settings()
