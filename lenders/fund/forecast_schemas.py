"""What the forecast routes take and answer: money as integer fen, probabilities in basis
points (10000 = certain), months as the first day of the city month."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from lenders.fund.forecast import ForecastParameters
from lenders.fund.forecast_view import ForecastView
from lenders.fund.models import ForecastTrigger, FundForecast, FundForecastMonth

# A run asked through the API works on the request's thread: its size is kept to what answers
# within a few seconds on a city's book (the settings may set larger runs for the task).
API_MAX_PATHS = 10_000
API_MAX_HORIZON_MONTHS = 60


class ForecastRequest(BaseModel):
    """Optional knobs of a run made now; each left out is taken from the settings."""

    model_config = ConfigDict(extra="forbid")

    paths: int | None = Field(default=None, ge=100, le=API_MAX_PATHS, strict=True)
    horizon_months: int | None = Field(default=None, ge=1, le=API_MAX_HORIZON_MONTHS, strict=True)
    lgd_bp: int | None = Field(default=None, ge=1, le=10_000, strict=True)
    unscored_pd_bp: int | None = Field(default=None, ge=0, le=10_000, strict=True)
    seed: int | None = Field(default=None, ge=0, le=2**53, strict=True)

    def parameters(self) -> ForecastParameters:
        base = ForecastParameters.defaults()
        given = self.model_dump(exclude_none=True)
        return ForecastParameters(**{**vars(base), **given})


class ForecastMonthPublic(BaseModel):
    month: date
    month_index: int
    expected_payout_fen: int
    payout_p5_fen: int = Field(description="the 90 % band's lower edge")
    payout_p95_fen: int = Field(description="the 90 % band's upper edge")
    expected_cumulative_fen: int
    cumulative_p5_fen: int
    cumulative_p95_fen: int
    expected_remaining_fen: int = Field(description="expected capital left at the month's end")
    runout_probability_bp: int = Field(description="chance the capital is gone by month's end")

    @classmethod
    def of(cls, row: FundForecastMonth) -> Self:
        return cls.model_validate(row, from_attributes=True)


class PaidMonthPublic(BaseModel):
    month: date
    paid_fen: int = Field(description="claims paid in the city month, less reversals")


class ForecastPublic(BaseModel):
    """The latest run: when and why, its parameters and inputs, its answer month by month, the
    claims actually paid in the twelve months before it, and the answer in one sentence."""

    id: int
    trigger: ForecastTrigger
    score_run_id: int | None
    requested_by: str
    created_at: datetime
    as_of: date
    first_month: date
    paths: int
    horizon_months: int
    lgd_bp: int
    unscored_pd_bp: int
    seed: int
    loans: int
    scored_loans: int
    defaulted_loans: int
    covered_outstanding_fen: int
    capital_fen: int
    mean_pd_bp: int
    by_lender: dict[str, dict[str, int]]
    expected_total_fen: int
    runout_probability_bp: int
    median_runout_month: int | None
    runout_month: date | None
    duration_ms: int
    sentence: str
    months: list[ForecastMonthPublic]
    actual: list[PaidMonthPublic]

    @classmethod
    def of(cls, shown: ForecastView) -> Self:
        assert shown.forecast is not None
        run: FundForecast = shown.forecast.run
        own = set(cls.model_fields) - {"sentence", "months", "actual"}
        return cls(
            **{name: getattr(run, name) for name in own},
            sentence=shown.sentence,
            months=[ForecastMonthPublic.of(m) for m in shown.forecast.months],
            actual=[PaidMonthPublic(month=p.month, paid_fen=p.paid_fen) for p in shown.actual],
        )
