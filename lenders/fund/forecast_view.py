"""The forecast as the office reads it: the latest run beside the claims actually paid month by
month (from the ledger's payouts accounts), and the sentence that says it in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.core.clock import to_local, utcnow
from lenders.fund import chart, forecast
from lenders.fund.forecast import Forecast
from lenders.fund.ledger import history
from lenders.fund.ledger import service as ledger
from lenders.fund.statement import Month

ACTUAL_MONTHS = 12  # months of paid claims shown before the forecast's first


@dataclass(frozen=True)
class PaidMonth:
    month: date  # its first day
    paid_fen: int  # payouts less their reversals, posted in the city month


@dataclass(frozen=True)
class MonthRow:
    """One month of the office's table and chart: paid claims before the forecast, the
    forecast's figures after (None where a month has none), fen and basis points."""

    month: date
    paid_fen: int | None = None
    expected_payout_fen: int | None = None
    payout_p5_fen: int | None = None
    payout_p95_fen: int | None = None
    expected_remaining_fen: int | None = None
    runout_probability_bp: int | None = None


@dataclass(frozen=True)
class ForecastView:
    forecast: Forecast | None
    actual: list[PaidMonth]
    sentence: str

    def rows(self) -> list[MonthRow]:
        """The paid months, then the forecast's months, oldest first."""
        rows = [MonthRow(month=p.month, paid_fen=p.paid_fen) for p in self.actual]
        for m in self.forecast.months if self.forecast else []:
            rows.append(
                MonthRow(
                    month=m.month,
                    expected_payout_fen=m.expected_payout_fen,
                    payout_p5_fen=m.payout_p5_fen,
                    payout_p95_fen=m.payout_p95_fen,
                    expected_remaining_fen=m.expected_remaining_fen,
                    runout_probability_bp=m.runout_probability_bp,
                )
            )
        return rows

    def chart(self) -> dict[str, list[int | None] | list[str]]:
        """The rows as the chart's series (fen; None where a month has no figure)."""
        rows = self.rows()
        return {
            "months": [f"{r.month.year}-{r.month.month:02d}" for r in rows],
            "paid": [r.paid_fen for r in rows],
            "expected": [r.expected_payout_fen for r in rows],
            "low": [r.payout_p5_fen for r in rows],
            "high": [r.payout_p95_fen for r in rows],
            "remaining": [r.expected_remaining_fen for r in rows],
        }


def paid_by_month(session: Session, *, first: date, months: int) -> list[PaidMonth]:
    """What the fund paid on claims in each of ``months`` city months from ``first``'s."""
    codes = [b.code for b in ledger.balances(session, prefix=chart.payouts(""))]
    starts = [forecast.add_months(first, i) for i in range(months)]
    totals = dict.fromkeys(starts, 0)
    since = Month(first.year, first.month).since
    end = forecast.add_months(first, months)
    until = Month(end.year, end.month).since
    for move in history.movements(session, codes=codes, since=since, until=until):
        local = to_local(move.transfer.posted_at).date()
        key = date(local.year, local.month, 1)
        if key not in totals:
            continue
        if move.debit.startswith(chart.payouts("")):
            totals[key] += move.transfer.amount_fen
        if move.credit.startswith(chart.payouts("")):  # a reversed payout
            totals[key] -= move.transfer.amount_fen
    return [PaidMonth(month=start, paid_fen=totals[start]) for start in starts]


def percent(bp: int) -> str:
    """Basis points as a whole or one-decimal percentage: 1234 → 12.3%, 0 → 0%."""
    text = f"{bp / 100:.1f}".removesuffix(".0")
    return f"{text}%"


def sentence(made: Forecast | None) -> str:
    """One plain Chinese sentence of the forecast's answer."""
    if made is None:
        return "还没有资金耗尽预测：评分批次完成后会自动生成，也可以点击“立即预测”。"
    run = made.run
    last = forecast.add_months(run.first_month, run.horizon_months - 1)
    horizon = f"{last.year} 年 {last.month} 月"
    chance = percent(run.runout_probability_bp)
    if run.runout_month is not None:
        when = f"{run.runout_month.year} 年 {run.runout_month.month} 月"
        return (
            f"按当前覆盖贷款和评分，预计 {when}资金耗尽（一半的模拟情形在该月或之前耗尽），"
            f"到 {horizon}底资金耗尽的概率为 {chance}。"
        )
    return f"按当前覆盖贷款和评分，到 {horizon}底资金耗尽的概率为 {chance}。"


def view(session: Session) -> ForecastView:
    """The latest forecast, the paid claims of the twelve months before its first, the words."""
    made = forecast.latest_or_none(session)
    today = to_local(utcnow()).date()
    first = made.run.first_month if made is not None else forecast.first_month_after(today)
    start = forecast.add_months(first, -ACTUAL_MONTHS)
    actual = paid_by_month(session, first=start, months=ACTUAL_MONTHS)
    return ForecastView(forecast=made, actual=actual, sentence=sentence(made))
