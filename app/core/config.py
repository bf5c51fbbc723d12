"""Settings, one object per concern, read from ``XYD_*`` environment variables.

Each concern is a small ``BaseSettings`` of its own whose fields name their variable in
``validation_alias``: the variables keep the flat names of the README's configuration table
(``XYD_LEAD_FANOUT``, not ``XYD_LEADS__FANOUT``), a bad value is reported under the variable's
own name, and ``Settings`` composes the groups and holds the rules that span them.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev-secret-change-me"})
DEFAULT_SECRET = "dev-secret-change-me"  # noqa: S105 - refused outside development, see below


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    STAGING = "staging"
    PRODUCTION = "production"


class InsecureSettingsError(RuntimeError):
    """Raised when a setting that must be secret still has its placeholder."""


class _Group(BaseSettings):
    """One concern's settings; each field is read from the variable its alias names."""

    # validate_by_name: tests and callers build a group by field name, the environment by alias.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", validate_by_name=True)


class DatabaseSettings(_Group):
    # Empty: a SQLite file in the data directory (filled in by Settings).
    url: str = Field(default="", validation_alias="XYD_DATABASE_URL")


class BrokerSettings(_Group):
    # Empty: tasks run in-process.
    url: str = Field(default="", validation_alias="XYD_BROKER_URL")
    visibility_timeout: int = Field(
        default=3600, ge=1, validation_alias="XYD_BROKER_VISIBILITY_TIMEOUT"
    )

    @property
    def configured(self) -> bool:
        return bool(self.url)


class SecuritySettings(_Group):
    secret_key: str = Field(default=DEFAULT_SECRET, validation_alias="XYD_SECRET_KEY")
    access_token_minutes: int = Field(
        default=30, ge=1, le=24 * 60, validation_alias="XYD_ACCESS_TOKEN_MINUTES"
    )


class ServerSettings(_Group):
    host: str = Field(default="127.0.0.1", validation_alias="XYD_HOST")
    port: int = Field(default=8000, ge=1, le=65535, validation_alias="XYD_PORT")


class LogSettings(_Group):
    level: str = Field(default="INFO", validation_alias="XYD_LOG_LEVEL")
    json_lines: bool = Field(default=True, validation_alias="XYD_LOG_JSON")


class CitySettings(_Group):
    # The city's time zone: business dates (disbursed on, due on, deadline days) are its calendar
    # days, and beat's cron expressions are read in it. A name the zone database lacks stops the
    # process at start.
    timezone: ZoneInfo = Field(default=ZoneInfo("Asia/Shanghai"), validation_alias="XYD_TIMEZONE")
    # The districts (6-digit division codes) of the city this platform serves; 湖州市 by default.
    districts: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset({"330502", "330503", "330521", "330522", "330523"}),
        validation_alias="XYD_CITY_DISTRICTS",
    )

    @field_validator("districts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(code.strip() for code in value.split(",") if code.strip())
        return value


class ScheduleSettings(_Group):
    """When beat sends what: cron expressions ("minute hour day-of-month month day-of-week") in
    the city's time zone; an empty one turns its task off."""

    # The whitelist refresh (SPEC §5).
    whitelist_refresh_cron: str = Field(
        default="0 6 * * *", validation_alias="XYD_WHITELIST_REFRESH_CRON"
    )
    # Expiring applications older than the demand window; before the refresh, so the refresh
    # sees the needs that ended.
    application_expiry_cron: str = Field(
        default="30 5 * * *", validation_alias="XYD_APPLICATION_EXPIRY_CRON"
    )
    # Routing newly whitelisted applications to banks and sweeping lead deadlines.
    lead_cron: str = Field(default="*/5 * * * *", validation_alias="XYD_LEAD_CRON")
    # Sweeping batch score runs.
    score_sweep_cron: str = Field(default="*/10 * * * *", validation_alias="XYD_SCORE_SWEEP_CRON")
    # Refreshing the finance office's monitoring figures (监测): incrementally (only the months
    # rows written since the last refresh touch), and a whole rebuild nightly as a safety net.
    monitoring_refresh_cron: str = Field(
        default="*/30 * * * *", validation_alias="XYD_MONITORING_REFRESH_CRON"
    )
    monitoring_rebuild_cron: str = Field(
        default="20 2 * * *", validation_alias="XYD_MONITORING_REBUILD_CRON"
    )
    # How far before the last refresh's start an incremental one looks for written rows: a
    # transaction that began before it and committed after carries earlier times.
    monitoring_overlap_seconds: int = Field(
        default=900, ge=0, validation_alias="XYD_MONITORING_OVERLAP_SECONDS"
    )
    # The retention purges.
    retention_cron: str = Field(default="40 3 * * *", validation_alias="XYD_RETENTION_CRON")
    # How often beat (or the in-process ticker of `xyd serve`) looks for due deliveries.
    delivery_interval_seconds: float = Field(
        default=5.0, gt=0, validation_alias="XYD_DELIVERY_INTERVAL_SECONDS"
    )

    @field_validator(
        "whitelist_refresh_cron",
        "application_expiry_cron",
        "lead_cron",
        "score_sweep_cron",
        "monitoring_refresh_cron",
        "monitoring_rebuild_cron",
        "retention_cron",
    )
    @classmethod
    def _cron(cls, value: str) -> str:
        value = " ".join(value.split())
        if value:
            cron_fields(value)  # a bad expression stops the process at start, not at 06:00
        return value


class LeadSettings(_Group):
    """Leads (SPEC §6): to how many banks an application is offered at once (1: one at a time),
    and the working days a bank has to accept or decline, then to decide after accepting."""

    fanout: int = Field(default=1, ge=1, le=10, validation_alias="XYD_LEAD_FANOUT")
    respond_working_days: int = Field(
        default=3, ge=1, le=30, validation_alias="XYD_LEAD_RESPOND_WORKING_DAYS"
    )
    decide_working_days: int = Field(
        default=10, ge=1, le=60, validation_alias="XYD_LEAD_DECIDE_WORKING_DAYS"
    )


class DeliverySettings(_Group):
    """Webhook delivery (SPEC §6): back-off base and cap, how long an event is retried before it
    is dead-lettered (死信), the HTTP timeouts, requests in flight per bank and events per batch."""

    backoff_base_seconds: float = Field(
        default=30.0, gt=0, validation_alias="XYD_DELIVERY_BACKOFF_BASE_SECONDS"
    )
    backoff_cap_seconds: float = Field(
        default=6 * 3600.0, gt=0, validation_alias="XYD_DELIVERY_BACKOFF_CAP_SECONDS"
    )
    retry_hours: float = Field(default=72.0, gt=0, validation_alias="XYD_DELIVERY_RETRY_HOURS")
    connect_timeout_seconds: float = Field(
        default=3.0, gt=0, validation_alias="XYD_DELIVERY_CONNECT_TIMEOUT_SECONDS"
    )
    timeout_seconds: float = Field(
        default=10.0, gt=0, validation_alias="XYD_DELIVERY_TIMEOUT_SECONDS"
    )
    concurrency: int = Field(default=32, ge=1, le=512, validation_alias="XYD_DELIVERY_CONCURRENCY")
    batch_size: int = Field(default=500, ge=1, le=5000, validation_alias="XYD_DELIVERY_BATCH_SIZE")
    # After a new webhook secret is created the older one still signs for this long (rotation).
    webhook_secret_grace_days: float = Field(
        default=7.0, ge=0, validation_alias="XYD_WEBHOOK_SECRET_GRACE_DAYS"
    )


class UploadSettings(_Group):
    """Source uploads (issue #11): the largest upload taken at all, and the size above which a
    file is loaded by a background task (202 with the batch to poll) instead of in the request."""

    max_bytes: int = Field(default=1 << 30, ge=1, validation_alias="XYD_UPLOAD_MAX_BYTES")
    background_bytes: int = Field(
        default=8 << 20, ge=0, validation_alias="XYD_UPLOAD_BACKGROUND_BYTES"
    )


class ExcelSettings(_Group):
    """Excel workbooks are streamed with these limits, checked before and while parsing: data
    rows and columns of the first sheet, the sum of the archive's unpacked sizes, and the
    largest unpacked/packed ratio of a member above 1 MiB (a zip bomb's is in the thousands)."""

    max_rows: int = Field(
        default=200_000, ge=1, le=1_048_575, validation_alias="XYD_EXCEL_MAX_ROWS"
    )
    max_columns: int = Field(default=100, ge=1, le=16_384, validation_alias="XYD_EXCEL_MAX_COLUMNS")
    max_unpacked_bytes: int = Field(
        default=128 << 20, ge=1, validation_alias="XYD_EXCEL_MAX_UNPACKED_BYTES"
    )
    max_ratio: int = Field(default=200, ge=1, validation_alias="XYD_EXCEL_MAX_RATIO")


class LoginSettings(_Group):
    """Sign-in throttling (app/core/throttle.py): wrong passwords per user name and per address
    within the window; past either the caller gets 429 until the oldest failure ages out."""

    max_failures: int = Field(default=5, ge=1, le=1000, validation_alias="XYD_LOGIN_MAX_FAILURES")
    ip_max_failures: int = Field(
        default=30, ge=1, le=100_000, validation_alias="XYD_LOGIN_IP_MAX_FAILURES"
    )
    window_minutes: int = Field(
        default=15, ge=1, le=24 * 60, validation_alias="XYD_LOGIN_WINDOW_MINUTES"
    )


class RegistrationSettings(_Group):
    """Enterprise self-registration: attempts per address and per USCC per hour, accounts per
    enterprise, how control is proven (sms: a code to the registry's contact phone; manual: an
    operator approves the uploaded business licence) and the SMS backend ("log" writes the code
    to the log and is refused outside development and tests)."""

    ip_max_attempts: int = Field(
        default=10, ge=1, le=100_000, validation_alias="XYD_REGISTRATION_IP_MAX_ATTEMPTS"
    )
    uscc_max_attempts: int = Field(
        default=5, ge=1, le=1000, validation_alias="XYD_REGISTRATION_USCC_MAX_ATTEMPTS"
    )
    max_accounts: int = Field(
        default=3, ge=1, le=100, validation_alias="XYD_REGISTRATION_MAX_ACCOUNTS"
    )
    verifier: str = Field(
        default="manual", pattern="^(sms|manual)$", validation_alias="XYD_REGISTRATION_VERIFIER"
    )
    sms_backend: str = Field(default="log", pattern="^(log)$", validation_alias="XYD_SMS_BACKEND")
    code_minutes: int = Field(
        default=10, ge=1, le=60, validation_alias="XYD_REGISTRATION_CODE_MINUTES"
    )
    code_attempts: int = Field(
        default=5, ge=1, le=20, validation_alias="XYD_REGISTRATION_CODE_ATTEMPTS"
    )
    licence_max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, validation_alias="XYD_REGISTRATION_LICENCE_MAX_BYTES"
    )


class ScoringSettings(_Group):
    # Batch scoring: a run still open this long after it started has its missing partitions sent
    # again (once); still open after twice as long it is failed (swept on the schedule's cron).
    run_timeout_minutes: float = Field(
        default=120.0, gt=0, validation_alias="XYD_SCORE_RUN_TIMEOUT_MINUTES"
    )


class FundSettings(_Group):
    """The risk-buffer fund's run-out forecast (资金耗尽预测): a Monte Carlo of claims, run after
    each score run, ``xyd fund forecast`` and ``POST /api/v1/fund/forecast``."""

    forecast_paths: int = Field(
        default=2000, ge=100, le=100_000, validation_alias="XYD_FUND_FORECAST_PATHS"
    )
    forecast_horizon_months: int = Field(
        default=24, ge=1, le=120, validation_alias="XYD_FUND_FORECAST_HORIZON_MONTHS"
    )
    # Loss given default, basis points of what is still owed: 6000 (60 %), above Basel's
    # foundation-IRB 45 % for senior unsecured claims, as small firms pledge little collateral.
    forecast_lgd_bp: int = Field(
        default=6000, ge=1, le=10_000, validation_alias="XYD_FUND_FORECAST_LGD_BP"
    )
    # The annual PD taken for a covered borrower the platform has never scored.
    forecast_unscored_pd_bp: int = Field(
        default=500, ge=0, le=10_000, validation_alias="XYD_FUND_FORECAST_UNSCORED_PD_BP"
    )
    forecast_seed: int = Field(
        default=20_260_014, ge=0, le=2**62, validation_alias="XYD_FUND_FORECAST_SEED"
    )


class RetentionSettings(_Group):
    """Purged in batches on the schedule's cron: delivery attempts of delivered events after
    these days (attempts of pending and dead events are kept for staff), idempotency keys after
    these hours (never before their 24-hour replay window ends)."""

    delivery_attempts_days: float = Field(
        default=30.0, gt=0, validation_alias="XYD_DELIVERY_ATTEMPTS_RETENTION_DAYS"
    )
    idempotency_key_hours: float = Field(
        default=48.0, gt=0, validation_alias="XYD_IDEMPOTENCY_KEY_RETENTION_HOURS"
    )


class Settings(BaseSettings):
    """Every setting of the platform, one group per concern; see the README's configuration."""

    # The prefix only keeps the groups' own names (XYD_DELIVERY ...) out of the way of other
    # programs' variables; every field below names its variable.
    model_config = SettingsConfigDict(
        env_prefix="XYD_", env_file=".env", extra="ignore", validate_by_name=True
    )

    env: Environment = Field(default=Environment.PRODUCTION, validation_alias="XYD_ENV")
    data_dir: Path = Field(default=Path("var"), validation_alias="XYD_DATA_DIR")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    city: CitySettings = Field(default_factory=CitySettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    leads: LeadSettings = Field(default_factory=LeadSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    uploads: UploadSettings = Field(default_factory=UploadSettings)
    excel: ExcelSettings = Field(default_factory=ExcelSettings)
    login: LoginSettings = Field(default_factory=LoginSettings)
    registration: RegistrationSettings = Field(default_factory=RegistrationSettings)
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    fund: FundSettings = Field(default_factory=FundSettings)

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database.url:
            self.database.url = f"sqlite:///{(self.data_dir / 'xyd.db').as_posix()}"
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
        registration = self.registration
        log_codes = registration.verifier == "sms" and registration.sms_backend == "log"
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
    def is_production_like(self) -> bool:
        """Staging and production: webhooks must be https to public addresses."""
        return not self.is_development

    def assert_safe_for_serving(self) -> None:
        """Refuse placeholder secrets outside development and tests; run on every construction."""
        if self.is_development:
            return
        secret_key = self.security.secret_key
        if secret_key in PLACEHOLDER_SECRETS or len(secret_key) < 32:
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
def get_city() -> CitySettings:
    """The city's group alone, for date code: a local date must not depend on the secrets that
    the whole settings check (``get_settings`` refuses a placeholder secret in production)."""
    return CitySettings()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear the cache after changing the environment."""
    return Settings()
