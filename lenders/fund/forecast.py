"""The fund's run-out forecast (资金耗尽预测): from the covered book, each borrower's latest
scored PD, an LGD assumption and each agreement's compensation ratio, a seeded Monte Carlo of
claims month by month (``forecast_sim``) gives the expected payouts with a 90 % band, the
expected capital left and when it would run out. Each run is stored with its parameters and
a summary of its inputs; it runs after every score run (``tasks.forecast``), from the CLI and
from the API.

What the simulation is given:
- capital: what the fund has not paid out — unallocated money, every bank's allocation left
  and what is set aside for approved claims — as one pool (the office can move money between
  allocations by signing new versions);
- a performing covered loan: what is still owed, the borrower's latest PD (never scored: the
  fallback PD), its agreement's ratio, the months to its maturity;
- a defaulted covered loan: its claim for certain in month 1 — an approved claim's amount, a
  claim under review at ratio × unpaid principal, an unclaimed loan within its claim window at
  ratio × what is still owed; paid, rejected and out-of-window ones cost nothing more.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import receipts
from app.core.clock import to_local, utcnow
from app.core.config import get_settings
from lenders.fund import chart, forecast_queries
from lenders.fund.exceptions import ForecastNotFound, InvalidForecastParameters
from lenders.fund.forecast_queries import BookLine
from lenders.fund.forecast_sim import BASIS_POINTS, Exposure, Outcome, Parameters, simulate
from lenders.fund.ledger import service as ledger
from lenders.fund.models import ClaimStatus, ForecastTrigger, FundForecast, FundForecastMonth
from lenders.loans.models import LoanStatus
from scoring.scores import service as score_service

OPEN_CLAIMS = (ClaimStatus.FILED, ClaimStatus.REVIEWED, ClaimStatus.AWAITING_SECOND_APPROVAL)
MAX_PATHS = 100_000
MAX_HORIZON_MONTHS = 120


@dataclass(frozen=True)
class ForecastParameters:
    """A run's knobs; ``defaults()`` reads them from the settings (``XYD_FUND_FORECAST_*``)."""

    paths: int
    horizon_months: int
    lgd_bp: int
    unscored_pd_bp: int
    seed: int

    @classmethod
    def defaults(cls) -> ForecastParameters:
        fund = get_settings().fund
        return cls(
            paths=fund.forecast_paths,
            horizon_months=fund.forecast_horizon_months,
            lgd_bp=fund.forecast_lgd_bp,
            unscored_pd_bp=fund.forecast_unscored_pd_bp,
            seed=fund.forecast_seed,
        )

    def check(self) -> None:
        """Refuse knobs the simulation cannot honour, in Chinese, before any work."""
        problems = []
        if not 1 <= self.paths <= MAX_PATHS:
            problems.append(f"模拟路径数须在 1 到 {MAX_PATHS} 之间")
        if not 1 <= self.horizon_months <= MAX_HORIZON_MONTHS:
            problems.append(f"预测期须在 1 到 {MAX_HORIZON_MONTHS} 个月之间")
        if not 1 <= self.lgd_bp <= BASIS_POINTS:
            problems.append("违约损失率须在 1 到 10000 个基点之间")
        if not 0 <= self.unscored_pd_bp <= BASIS_POINTS:
            problems.append("未评分企业的违约概率须在 0 到 10000 个基点之间")
        if not 0 <= self.seed < 2**63:
            problems.append("随机种子须为非负整数")
        if problems:
            raise InvalidForecastParameters("；".join(problems))


@dataclass(frozen=True)
class Forecast:
    """A stored run with its months, oldest month first."""

    run: FundForecast
    months: list[FundForecastMonth]


def first_month_after(day: date) -> date:
    """The first day of the month after ``day``'s: forecast month 1."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after ``first``'s."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_to_maturity(first: date, maturity_on: date) -> int:
    """Forecast months that start on or before the loan's maturity (at least 1: a loan past its
    maturity and still owed can still default)."""
    return max((maturity_on.year - first.year) * 12 + maturity_on.month - first.month + 1, 1)


def capital_fen(session: Session) -> int:
    """What the fund has not paid out: unallocated, the allocations left, the reserve."""
    prefixes = (chart.UNALLOCATED, chart.allocation(""), chart.reserved(""))
    return sum(
        b.debit_balance_fen
        for b in ledger.balances(session, prefix="")
        if b.code.startswith(prefixes)
    )


def _certain_claim(line: BookLine, *, on: date) -> int | None:
    """A defaulted loan's claim still to be paid (fen), or None when none will be."""
    if line.claim_status is ClaimStatus.APPROVED:
        return line.claim_amount_fen
    if line.claim_status in OPEN_CLAIMS:
        return (line.claim_unpaid_principal_fen or 0) * line.ratio_bp // BASIS_POINTS
    if line.claim_status is not None:  # paid, rejected or written off: nothing more
        return None
    if line.defaulted_on is not None and (on - line.defaulted_on).days > line.claim_window_days:
        return None  # the bank let the claim window pass
    return line.still_owed_fen * line.ratio_bp // BASIS_POINTS


@dataclass(frozen=True)
class _Inputs:
    exposures: list[Exposure]
    loans: int
    scored: int
    defaulted: int
    outstanding_fen: int
    mean_pd_bp: int
    by_lender: dict[str, dict[str, int]]


def _inputs(session: Session, *, on: date, first: date, unscored_pd: float) -> _Inputs:
    book = forecast_queries.covered_book(session)
    pds = score_service.latest_pds(session, usccs=[line.uscc for line in book])
    exposures: list[Exposure] = []
    by_lender: dict[str, dict[str, int]] = {}
    scored = defaulted = outstanding = 0
    weighted_pd = performing = 0.0
    for line in book:
        if line.status is LoanStatus.DEFAULTED:
            claim = _certain_claim(line, on=on)
            if not claim:
                continue
            exposure = Exposure(ead_fen=claim, annual_pd=1.0, ratio_bp=BASIS_POINTS,
                                months_left=1, claim_fen=claim)  # fmt: skip
            defaulted += 1
        elif line.still_owed_fen > 0:
            pd_ = pds.get(line.uscc)
            scored += pd_ is not None
            annual = unscored_pd if pd_ is None else min(max(pd_, 0.0), 1.0)
            exposure = Exposure(
                ead_fen=line.still_owed_fen,
                annual_pd=annual,
                ratio_bp=line.ratio_bp,
                months_left=months_to_maturity(first, line.maturity_on),
            )
            weighted_pd += annual * line.still_owed_fen
            performing += line.still_owed_fen
        else:
            continue
        exposures.append(exposure)
        outstanding += line.still_owed_fen
        bank = by_lender.setdefault(line.lender_code, {"loans": 0, "outstanding_fen": 0})
        bank["loans"] += 1
        bank["outstanding_fen"] += line.still_owed_fen
    return _Inputs(
        exposures=exposures,
        loans=len(exposures),
        scored=scored,
        defaulted=defaulted,
        outstanding_fen=outstanding,
        mean_pd_bp=round(weighted_pd / performing * BASIS_POINTS) if performing else 0,
        by_lender=by_lender,
    )


def run(
    session: Session,
    *,
    trigger: ForecastTrigger,
    actor: Actor,
    parameters: ForecastParameters | None = None,
    score_run_id: int | None = None,
) -> Forecast:
    """Forecast the fund from the book as it stands now and store the run; the caller commits."""
    made = compute(
        session, trigger=trigger, actor=actor, parameters=parameters, score_run_id=score_run_id
    )
    return store(session, made, actor=actor)


def compute(
    session: Session,
    *,
    trigger: ForecastTrigger,
    actor: Actor,
    parameters: ForecastParameters | None = None,
    score_run_id: int | None = None,
) -> Forecast:
    """The forecast of the book now, not yet stored: only reads, so on SQLite the Monte Carlo
    runs before the write lock is taken (``store`` takes it)."""
    knobs = parameters or ForecastParameters.defaults()
    knobs.check()
    started = time.perf_counter()
    on = to_local(utcnow()).date()
    first = first_month_after(on)
    inputs = _inputs(session, on=on, first=first, unscored_pd=knobs.unscored_pd_bp / BASIS_POINTS)
    capital = capital_fen(session)
    outcome = simulate(
        inputs.exposures,
        capital_fen=capital,
        parameters=Parameters(
            paths=knobs.paths,
            horizon_months=knobs.horizon_months,
            lgd_bp=knobs.lgd_bp,
            seed=knobs.seed,
        ),
    )
    row = _row(knobs, inputs, outcome, trigger=trigger, actor=actor, on=on, first=first)
    row.capital_fen, row.score_run_id = capital, score_run_id
    row.duration_ms = round((time.perf_counter() - started) * 1000)
    months = [
        FundForecastMonth(
            forecast_id=0,
            month_index=m.index,
            month=add_months(first, m.index - 1),
            expected_payout_fen=m.expected_payout_fen,
            payout_p5_fen=m.payout_p5_fen,
            payout_p95_fen=m.payout_p95_fen,
            expected_cumulative_fen=m.expected_cumulative_fen,
            cumulative_p5_fen=m.cumulative_p5_fen,
            cumulative_p95_fen=m.cumulative_p95_fen,
            expected_remaining_fen=m.expected_remaining_fen,
            runout_probability_bp=m.runout_probability_bp,
        )
        for m in outcome.months
    ]
    return Forecast(row, months)


def store(session: Session, made: Forecast, *, actor: Actor) -> Forecast:
    """Write a computed forecast; a run someone asked for is audited."""
    row = forecast_queries.add_forecast(session, made.run, made.months)
    if row.trigger is not ForecastTrigger.SCORE_RUN:
        audit_service.record(
            session,
            actor=actor,
            action="fund.forecast",
            subject_type="fund_forecast",
            subject_id=str(row.id),
            detail={"trigger": row.trigger.value, "paths": row.paths, "seed": row.seed},
        )
    return made


def _row(
    knobs: ForecastParameters,
    inputs: _Inputs,
    outcome: Outcome,
    *,
    trigger: ForecastTrigger,
    actor: Actor,
    on: date,
    first: date,
) -> FundForecast:
    median = outcome.median_runout_month
    return FundForecast(
        trigger=trigger,
        requested_by=actor.ref,
        as_of=on,
        first_month=first,
        paths=knobs.paths,
        horizon_months=knobs.horizon_months,
        lgd_bp=knobs.lgd_bp,
        unscored_pd_bp=knobs.unscored_pd_bp,
        seed=knobs.seed,
        loans=inputs.loans,
        scored_loans=inputs.scored,
        defaulted_loans=inputs.defaulted,
        covered_outstanding_fen=inputs.outstanding_fen,
        capital_fen=0,
        mean_pd_bp=inputs.mean_pd_bp,
        by_lender=inputs.by_lender,
        expected_total_fen=outcome.expected_total_fen,
        runout_probability_bp=outcome.runout_probability_bp,
        median_runout_month=median,
        runout_month=None if median is None else add_months(first, median - 1),
    )


AFTER_SCORE_RUN_TASK = "lenders.fund_forecast"


def after_score_run(session: Session, *, score_run_id: int, actor: Actor) -> Forecast | None:
    """The forecast a score run asks for, once per run: a redelivered or concurrent task finds
    the receipt taken (claimed in the transaction that stores the run) and stores nothing."""
    key = str(score_run_id)
    if receipts.done(session, task=AFTER_SCORE_RUN_TASK, key=key):
        return None
    made = compute(
        session, trigger=ForecastTrigger.SCORE_RUN, actor=actor, score_run_id=score_run_id
    )
    if not receipts.first_time(session, task=AFTER_SCORE_RUN_TASK, key=key):
        return None  # another run of the task stored it meanwhile
    return store(session, made, actor=actor)


def latest(session: Session) -> Forecast:
    """The newest stored run with its months; ForecastNotFound when none was ever made."""
    found = forecast_queries.latest_forecast(session)
    if found is None or found.id is None:
        raise ForecastNotFound("还没有资金耗尽预测；评分批次完成后会自动生成，也可以手动运行")
    return Forecast(found, forecast_queries.months_of(session, found.id))


def latest_or_none(session: Session) -> Forecast | None:
    try:
        return latest(session)
    except ForecastNotFound:
        return None
