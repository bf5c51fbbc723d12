"""The monthly fund statement (月度对账单) of one bank for one city month.

The month runs from 00:00 Beijing time on its first day to 00:00 on the next month's first day
(both turned into UTC for the transfers' timestamps): a transfer at 2026-11-30T16:30Z is
December's. The statement shows the opening balance of each of the bank's four accounts
(allocation, approved claims' reserve, payouts, recoveries), every transfer touching them in
the month, and closing balances equal to opening plus the month's movements; then the loans
covered at month end and the claims filed or paid in the month. ``workbook`` writes it as .xlsx
through ``app.core.exports`` (every text cell inert), amounts as integer fen and yuan Decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import city_zone, utcnow
from app.enterprises import service as enterprise_service
from lenders.fund import bank_queries, chart
from lenders.fund.exceptions import InvalidStatementMonth, StatementMonthInFuture
from lenders.fund.ledger import history
from lenders.fund.ledger.history import Movement
from lenders.fund.models import FundClaim, FundCover
from lenders.institutions import service as lender_service
from lenders.loans.models import Loan, LoanStatus

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR = 2000  # no platform month before it


@dataclass(frozen=True)
class Month:
    """A city calendar month and its bounds in UTC."""

    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    @property
    def since(self) -> datetime:
        """00:00 Beijing time on the first day, in UTC."""
        return _city_midnight(self.first_day)

    @property
    def until(self) -> datetime:
        """00:00 Beijing time on the next month's first day, in UTC (not included)."""
        return _city_midnight(self.next_first_day)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(text: str, *, today: date) -> Month:
    """The month ``YYYY-MM``; a malformed one or one after ``today``'s month is refused."""
    found = _MONTH.fullmatch(text)
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < FIRST_YEAR:
        raise InvalidStatementMonth(
            f"{text[:20]!r} is not a month; write YYYY-MM, e.g. 2026-11", field="month"
        )
    month = Month(int(found.group(1)), int(found.group(2)))
    if (month.year, month.month) > (today.year, today.month):
        raise StatementMonthInFuture(f"{month} has not begun", field="month")
    return month


@dataclass(frozen=True)
class AccountLine:
    """One account over the month, balances on its normal side."""

    code: str
    label: str
    debit_normal: bool
    opening_fen: int
    debits_fen: int
    credits_fen: int

    @property
    def closing_fen(self) -> int:
        change = self.debits_fen - self.credits_fen
        return self.opening_fen + (change if self.debit_normal else -change)


@dataclass(frozen=True)
class CoveredLine:
    loan: Loan
    enterprise_name: str | None
    covered_principal_fen: int
    outstanding_fen: int  # at month end
    status: LoanStatus  # at month end


@dataclass(frozen=True)
class ClaimLine:
    claim: FundClaim
    loan: Loan
    enterprise_name: str | None
    paid_at: datetime | None  # when it was paid, if in the month


@dataclass(frozen=True)
class Statement:
    lender_code: str
    lender_name: str
    month: Month
    accounts: list[AccountLine]
    movements: list[Movement]
    covered: list[CoveredLine]
    claims: list[ClaimLine]
    made_at: datetime


def accounts_of(lender_code: str) -> list[tuple[str, str, bool]]:
    """The bank's accounts on a statement: (code, label, debit-normal)."""
    return [
        (chart.allocation(lender_code), "合作银行额度", True),
        (chart.reserved(lender_code), "已批准待支付代偿", True),
        (chart.payouts(lender_code), "代偿支出", True),
        (chart.recoveries(lender_code), "代偿追回", False),
    ]


def monthly(
    session: Session, *, lender_code: str, month: Month, actor: Actor | None = None
) -> Statement:
    """The statement of ``lender_code`` for ``month`` (LenderNotFound for an unknown bank);
    with ``actor`` the export is written to the audit log."""
    lender = lender_service.get_by_code(session, code=lender_code)
    accounts = accounts_of(lender_code)
    codes = [code for code, _, _ in accounts]
    moved = history.movements(session, codes=codes, since=month.since, until=month.until)
    statement = Statement(
        lender_code=lender_code,
        lender_name=lender.name,
        month=month,
        accounts=_account_lines(session, accounts, moved, month),
        movements=moved,
        covered=_covered(session, lender_code, month),
        claims=_claims(session, lender_code, month, moved),
        made_at=utcnow(),
    )
    if actor is not None:
        audit_service.record(
            session,
            actor=actor,
            action="fund.statement.exported",
            subject_type="lender",
            subject_id=lender_code,
            detail={"month": str(month), "transfers": len(moved)},
        )
    return statement


def _account_lines(
    session: Session, accounts: list[tuple[str, str, bool]], moved: list[Movement], month: Month
) -> list[AccountLine]:
    opening = history.balances_before(
        session, codes=[code for code, _, _ in accounts], moment=month.since
    )
    lines = []
    for code, label, debit_normal in accounts:
        before = opening.get(code)
        start = 0 if before is None else before.debits_fen - before.credits_fen
        lines.append(
            AccountLine(
                code=code,
                label=label,
                debit_normal=debit_normal,
                opening_fen=start if debit_normal else -start,
                debits_fen=sum(m.transfer.amount_fen for m in moved if m.debit == code),
                credits_fen=sum(m.transfer.amount_fen for m in moved if m.credit == code),
            )
        )
    return lines


def _covered(session: Session, lender_code: str, month: Month) -> list[CoveredLine]:
    """The loans covered by month end, each as it stood on the month's last day."""
    lines = bank_queries.covered_by(session, lender_code=lender_code, before=month.until)
    ids = [loan.id for _, loan in lines if loan.id is not None]
    repaid = {
        r.loan_id: r.outstanding_after_fen
        for r in bank_queries.repayments_through(session, loan_ids=ids, day=month.last_day)
    }  # oldest first: the last one of each loan stays
    recovered = bank_queries.recovered_through(session, loan_ids=ids, day=month.last_day)
    names = enterprise_service.names(session, codes=[loan.uscc for _, loan in lines])
    return [
        _at_month_end(decided, loan, names.get(loan.uscc), repaid, recovered, month.last_day)
        for decided, loan in lines
    ]


def _at_month_end(
    decided: FundCover,
    loan: Loan,
    name: str | None,
    repaid: dict[int, int],
    recovered: dict[int, int],
    day: date,
) -> CoveredLine:
    loan_id = loan.id or 0
    if loan.defaulted_on is not None and loan.defaulted_on <= day:
        owed = (loan.outstanding_at_default_fen or 0) - recovered.get(loan_id, 0)
        status = LoanStatus.DEFAULTED
    else:
        owed = repaid.get(loan_id, loan.principal_fen)
        status = LoanStatus.REPAID if owed == 0 else LoanStatus.CURRENT
    return CoveredLine(loan, name, decided.principal_fen, owed, status)


def _claims(
    session: Session, lender_code: str, month: Month, moved: list[Movement]
) -> list[ClaimLine]:
    paid = {
        int(m.transfer.reference.removeprefix("claim:")): m.transfer.posted_at
        for m in moved
        if m.transfer.kind == "payout"
        and m.transfer.reference.startswith("claim:")
        and m.transfer.reference.removeprefix("claim:").isdigit()
    }
    lines = bank_queries.claims_filed_or_touched(
        session, lender_code=lender_code, ids=sorted(paid), since=month.since, until=month.until
    )
    names = enterprise_service.names(session, codes=[loan.uscc for _, loan in lines])
    return [
        ClaimLine(claim, loan, names.get(loan.uscc), paid.get(claim.id or 0))
        for claim, loan in lines
    ]


def _city_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=city_zone()).astimezone(UTC)
