"""Settings, one object per concern, read from ``XYD_*`` environment variables."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev-secret-change-me"})
DEFAULT_SECRET = "dev-secret-change-me"  # noqa: S105 - refused outside development, see below


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    STAGING = "staging"
    PRODUCTION = "production"


class InsecureSettingsError(RuntimeError):
    """Raised when a setting that must be secret still has its placeholder."""


class Settings(BaseSettings):
    """Every setting of the platform; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="XYD_", env_file=".env", extra="ignore")

    env: Environment = Environment.PRODUCTION
    data_dir: Path = Path("var")
    database_url: str = ""
    broker_url: str = ""
    broker_visibility_timeout: int = Field(default=3600, ge=1)
    secret_key: str = DEFAULT_SECRET
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"
    log_json: bool = True
    timezone: str = "Asia/Shanghai"
    # The districts (6-digit division codes) of the city this platform serves; 湖州市 by default.
    city_districts: str = "330502,330503,330521,330522,330523"
    # When beat refreshes the whitelist (SPEC §5): a cron expression in the platform's time zone,
    # "minute hour day-of-month month day-of-week"; empty turns the scheduled refresh off.
    whitelist_refresh_cron: str = "0 6 * * *"
    # When beat expires applications older than the demand window; before the refresh, so the
    # refresh sees the needs that ended. Empty turns the sweep off.
    application_expiry_cron: str = "30 5 * * *"
    # Leads (SPEC §6): to how many banks an application is offered at once (1: one at a time),
    # and the working days a bank has to accept or decline, then to decide after accepting.
    lead_fanout: int = Field(default=1, ge=1, le=10)
    lead_respond_working_days: int = Field(default=3, ge=1, le=30)
    lead_decide_working_days: int = Field(default=10, ge=1, le=60)
    # When beat routes newly whitelisted applications to banks and sweeps lead deadlines.
    lead_cron: str = "*/5 * * * *"
    # Webhook delivery (SPEC §6): back-off base and cap, how long an event is retried before it
    # is dead-lettered (死信), the HTTP timeouts, requests in flight per bank and events per batch.
    delivery_backoff_base_seconds: float = Field(default=30.0, gt=0)
    delivery_backoff_cap_seconds: float = Field(default=6 * 3600.0, gt=0)
    delivery_retry_hours: float = Field(default=72.0, gt=0)
    delivery_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    delivery_timeout_seconds: float = Field(default=10.0, gt=0)
    delivery_concurrency: int = Field(default=32, ge=1, le=512)
    delivery_batch_size: int = Field(default=500, ge=1, le=5000)
    # How often beat (or the in-process ticker of `xyd serve`) looks for due deliveries.
    delivery_interval_seconds: float = Field(default=5.0, gt=0)
    # After a new webhook secret is created the older one still signs for this long (rotation).
    webhook_secret_grace_days: float = Field(default=7.0, ge=0)
    # Source uploads (issue #11): the largest upload taken at all, and the size above which a
    # file is loaded by a background task (202 with the batch to poll) instead of in the request.
    upload_max_bytes: int = Field(default=1 << 30, ge=1)
    upload_background_bytes: int = Field(default=8 << 20, ge=0)
    # Excel workbooks are streamed with these limits, checked before and while parsing: data
    # rows and columns of the first sheet, the sum of the archive's unpacked sizes, and the
    # largest unpacked/packed ratio of a member above 1 MiB (a zip bomb's is in the thousands).
    excel_max_rows: int = Field(default=200_000, ge=1, le=1_048_575)
    excel_max_columns: int = Field(default=100, ge=1, le=16_384)
    excel_max_unpacked_bytes: int = Field(default=128 << 20, ge=1)
    excel_max_ratio: int = Field(default=200, ge=1)

    # Sign-in throttling (app/core/throttle.py): wrong passwords per user name and per address
    # within the window; past either the caller gets 429 until the oldest failure ages out.
    login_max_failures: int = Field(default=5, ge=1, le=1000)
    login_ip_max_failures: int = Field(default=30, ge=1, le=100_000)
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Enterprise self-registration: attempts per address and per USCC per hour, accounts per
    # enterprise, how control is proven (sms: a code to the registry's contact phone; manual:
    # an operator approves the uploaded business licence) and the SMS backend ("log" writes
    # the code to the log and is refused outside development and tests).
    registration_ip_max_attempts: int = Field(default=10, ge=1, le=100_000)
    registration_uscc_max_attempts: int = Field(default=5, ge=1, le=1000)
    registration_max_accounts: int = Field(default=3, ge=1, le=100)
    registration_verifier: str = Field(default="manual", pattern="^(sms|manual)$")
    sms_backend: str = Field(default="log", pattern="^(log)$")
    registration_code_minutes: int = Field(default=10, ge=1, le=60)
    registration_code_attempts: int = Field(default=5, ge=1, le=20)
    registration_licence_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # Batch scoring: a run still open this long after it started has its missing partitions sent
    # again (once); still open after twice as long it is failed. Beat sweeps on the cron below.
    score_run_timeout_minutes: float = Field(default=120.0, gt=0)
    score_sweep_cron: str = "*/10 * * * *"
    # Retention, purged in batches on the cron below: delivery attempts of delivered events after
    # these days (attempts of pending and dead events are kept for staff), idempotency keys after
    # these hours (never before their 24-hour replay window ends).
    delivery_attempts_retention_days: float = Field(default=30.0, gt=0)
    idempotency_key_retention_hours: float = Field(default=48.0, gt=0)
    retention_cron: str = "40 3 * * *"

    @field_validator(
        "whitelist_refresh_cron",
        "application_expiry_cron",
        "lead_cron",
        "score_sweep_cron",
        "retention_cron",
    )
    @classmethod
    def _cron(cls, value: str) -> str:
        value = " ".join(value.split())
        if value:
            cron_fields(value)  # a bad expression stops the process at start, not at 06:00
        return value

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'xyd.db').as_posix()}"
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        # Every process (app factory, worker, beat, CLI) builds its settings here, so a
        # placeholder secret cannot reach production through any entry point.
        self.assert_safe_for_serving()
        return self

    @model_validator(mode="after")
    def _no_log_sms_in_production(self) -> Settings:
        # The log backend writes registration codes where operators can read them.
        log_codes = self.registration_verifier == "sms" and self.sms_backend == "log"
        if log_codes and self.env not in (Environment.DEVELOPMENT, Environment.TEST):
            raise ValueError(
                "XYD_SMS_BACKEND=log writes registration codes to the log and is only for "
                "development and tests; configure an SMS gateway or set "
                "XYD_REGISTRATION_VERIFIER=manual"
            )
        return self

    @property
    def is_development(self) -> bool:
        return self.env in (Environment.DEVELOPMENT, Environment.TEST)

    @property
    def districts(self) -> frozenset[str]:
        return frozenset(code.strip() for code in self.city_districts.split(",") if code.strip())

    @property
    def is_production_like(self) -> bool:
        """Staging and production: webhooks must be https to public addresses."""
        return not self.is_development

    @property
    def uses_broker(self) -> bool:
        return bool(self.broker_url)

    def assert_safe_for_serving(self) -> None:
        """Refuse placeholder secrets outside development and tests; run on every construction."""
        if self.is_development:
            return
        if self.secret_key in PLACEHOLDER_SECRETS or len(self.secret_key) < 32:
            raise InsecureSettingsError(
                f"XYD_SECRET_KEY 是占位值或短于 32 个字符，XYD_ENV={self.env.value} 下拒绝启动；"
                "请设置至少 32 个字符的随机密钥。"
                "XYD_SECRET_KEY is a placeholder or shorter than 32 characters; "
                f"set a real secret before running with XYD_ENV={self.env.value}"
            )


CRON_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


def cron_fields(expression: str) -> dict[str, str]:
    """The five fields of a cron expression by Celery's names; ValueError when it is not one."""
    from celery.schedules import crontab

    parts = expression.split()
    if len(parts) != len(CRON_FIELDS):
        raise ValueError(
            f"{expression!r} is not a cron expression: give five fields, "
            "minute hour day-of-month month day-of-week, e.g. '0 6 * * *'"
        )
    fields = dict(zip(CRON_FIELDS, parts, strict=True))
    try:
        crontab(**fields)
    except ValueError as error:
        raise ValueError(f"{expression!r} is not a cron expression: {error}") from error
    return fields


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment."""
    return Settings()
