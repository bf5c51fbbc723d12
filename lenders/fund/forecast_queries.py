"""Every query of the fund's run-out forecast: the covered book it simulates, its stored runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from lenders.fund.models import (
    ClaimStatus,
    CooperationAgreement,
    FundClaim,
    FundCover,
    FundForecast,
    FundForecastMonth,
)
from lenders.fund.repository import _covered_on_the_book, _still_owed
from lenders.loans.models import Loan, LoanStatus


@dataclass(frozen=True)
class BookLine:
    """One covered loan on the book, with what the forecast needs of it."""

    loan_id: int
    lender_code: str
    uscc: str
    still_owed_fen: int
    status: LoanStatus
    maturity_on: date
    defaulted_on: date | None
    ratio_bp: int
    claim_window_days: int
    claim_status: ClaimStatus | None
    claim_unpaid_principal_fen: int | None
    claim_amount_fen: int | None


def covered_book(session: Session) -> list[BookLine]:
    """Every covered loan not written off, by loan id, with its agreement's ratio and window
    and its claim if it has one (one query)."""
    query = (
        _covered_on_the_book(
            col(Loan.id),
            col(FundCover.lender_code),
            col(FundCover.uscc),
            _still_owed(),
            col(Loan.status),
            col(Loan.maturity_on),
            col(Loan.defaulted_on),
            col(CooperationAgreement.compensation_ratio_bp),
            col(CooperationAgreement.claim_window_days),
            col(FundClaim.status),
            col(FundClaim.unpaid_principal_fen),
            col(FundClaim.amount_fen),
        )
        .join(CooperationAgreement, col(CooperationAgreement.id) == col(FundCover.agreement_id))
        .outerjoin(FundClaim, col(FundClaim.loan_id) == col(Loan.id))
        .order_by(col(Loan.id))
    )
    return [
        BookLine(
            loan_id=int(row[0]),
            lender_code=row[1],
            uscc=row[2],
            still_owed_fen=int(row[3]),
            status=LoanStatus(row[4]),
            maturity_on=row[5],
            defaulted_on=row[6],
            ratio_bp=int(row[7]),
            claim_window_days=int(row[8]),
            claim_status=None if row[9] is None else ClaimStatus(row[9]),
            claim_unpaid_principal_fen=None if row[10] is None else int(row[10]),
            claim_amount_fen=None if row[11] is None else int(row[11]),
        )
        for row in session.execute(query)
    ]


def add_forecast(
    session: Session, forecast: FundForecast, months: list[FundForecastMonth]
) -> FundForecast:
    session.add(forecast)
    session.flush()
    assert forecast.id is not None
    for month in months:
        month.forecast_id = forecast.id
    session.add_all(months)
    session.flush()
    return forecast


def latest_forecast(session: Session) -> FundForecast | None:
    query = select(FundForecast).order_by(col(FundForecast.id).desc()).limit(1)
    return session.exec(query).first()


def forecast_of_score_run(session: Session, score_run_id: int) -> FundForecast | None:
    query = select(FundForecast).where(FundForecast.score_run_id == score_run_id)
    return session.exec(query.order_by(col(FundForecast.id))).first()


def months_of(session: Session, forecast_id: int) -> list[FundForecastMonth]:
    query = (
        select(FundForecastMonth)
        .where(FundForecastMonth.forecast_id == forecast_id)
        .order_by(col(FundForecastMonth.month_index))
    )
    return list(session.exec(query))


def forecasts_count(session: Session) -> int:
    return int(session.execute(sa_select(func.count()).select_from(FundForecast)).scalar_one())
