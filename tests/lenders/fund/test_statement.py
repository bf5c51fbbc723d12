"""The monthly fund statement: Beijing month bounds, closing = opening + movements = the
ledger's balance, covered loans at month end, claims of the month, and a workbook with no
live cell."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from openpyxl import load_workbook
from sqlmodel import Session

from lenders.fund import capital, chart, statement, statement_workbook
from lenders.fund.exceptions import InvalidStatementMonth, StatementMonthInFuture
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.service import Posting
from lenders.fund.schemas import ContributionCreate
from lenders.fund.statement import Month, Statement
from lenders.institutions.models import Lender
from lenders.loans.dates import today
from lenders.loans.models import LoanStatus
from tests.clock import CityClock
from tests.factories import make_lender
from tests.lenders.fund.test_claims import paid_claim, recover
from tests.lenders.fund.test_cover import OFFICE, disburse, sign
from tests.lenders.fund.test_registration import repay

HOSTILE = '=HYPERLINK("http://evil.example","点此")'


def this_month() -> Month:
    now = today()
    return Month(now.year, now.month)


def month_before(month: Month) -> Month:
    last = month.first_day - timedelta(days=1)
    return Month(last.year, last.month)


def post(db: Session, bank: Lender, key: str, fen: int, reference: str = "") -> None:
    chart.open_capital(db, "test")  # the other side: no limit to keep a test from posting
    chart.open_allocation(db, bank.code)
    posting = Posting(
        key=key,
        debit=chart.allocation(bank.code),
        credit=chart.capital("test"),
        amount_fen=fen,
        kind="allocation",
        reference=reference,
    )
    ledger.post(db, journal=key, postings=[posting], actor="test")


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-1", "../", "2026/11", "２０２６-11", "", "1999-12", "x" * 99],
)
def test_a_malformed_month_is_refused(text: str) -> None:
    with pytest.raises(InvalidStatementMonth) as refused:
        statement.parse_month(text, today=date(2026, 12, 3))
    assert refused.value.code == "fund_statement_month_invalid"


def test_this_month_has_a_statement_and_the_next_one_not_yet(city_clock: CityClock) -> None:
    month = this_month()
    assert statement.parse_month(str(month), today=today()) == month
    with pytest.raises(StatementMonthInFuture):
        statement.parse_month(
            str(Month(month.next_first_day.year, month.next_first_day.month)), today=today()
        )


def test_december_starts_at_midnight_beijing_time() -> None:
    december = Month(2026, 12)
    assert december.since == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert december.until == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert december.last_day == date(2026, 12, 31) and str(december) == "2026-12"
    assert Month(2026, 11).until == december.since


def test_a_transfer_at_half_past_midnight_beijing_belongs_to_december(db: Session) -> None:
    bank = make_lender(db)
    with time_machine.travel(datetime(2026, 11, 30, 15, 59, tzinfo=UTC), tick=False):
        post(db, bank, "late-november", 100)
    with time_machine.travel(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), tick=False):
        post(db, bank, "early-december", 250)
    november = statement.monthly(db, lender_code=bank.code, month=Month(2026, 11))
    december = statement.monthly(db, lender_code=bank.code, month=Month(2026, 12))
    assert [m.transfer.key for m in november.movements] == ["late-november"]
    assert [m.transfer.key for m in december.movements] == ["early-december"]
    allocation = december.accounts[0]
    assert (allocation.opening_fen, allocation.debits_fen, allocation.closing_fen) == (
        100,
        250,
        350,
    )


@pytest.fixture
def story(db: Session, city_clock: CityClock) -> tuple[Lender, Month]:
    """Allocated last month; this month a claim paid and a recovery shared, a loan repaid."""
    month = this_month()
    earlier = datetime.combine(month_before(month).first_day, datetime.min.time(), tzinfo=UTC)
    bank = make_lender(db)
    with time_machine.travel(earlier + timedelta(days=10), tick=True):
        capital.contribute(
            db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE
        )
        sign(db, bank, effective_from=month.first_day - timedelta(days=200))
    repay(db, disburse(db, bank, yuan="300000.00"), "100000.00")  # before NPL stops cover
    loan, _claim = paid_claim(db, bank, outstanding_yuan="200000")  # payout 80,000
    recover(db, loan, "50000")  # 20,000 back to the fund
    return bank, month


def test_closing_is_opening_plus_movements_and_the_ledger_s_balance(
    db: Session, story: tuple[Lender, Month]
) -> None:
    bank, month = story
    made = statement.monthly(db, lender_code=bank.code, month=month)
    lines = {line.code: line for line in made.accounts}
    allocation = lines[chart.allocation(bank.code)]
    assert allocation.opening_fen == 10_000_000  # allocated last month
    for line in made.accounts:
        change = line.debits_fen - line.credits_fen
        assert line.closing_fen == line.opening_fen + (change if line.debit_normal else -change)
        now = ledger.balance(db, line.code)
        expected = now.debit_balance_fen if line.debit_normal else now.credit_balance_fen
        assert line.closing_fen == expected, line.code
    assert allocation.closing_fen == 10_000_000 - 8_000_000 + 2_000_000
    assert lines[chart.payouts(bank.code)].closing_fen == 8_000_000
    assert lines[chart.recoveries(bank.code)].closing_fen == 2_000_000
    assert [m.transfer.kind for m in made.movements] == ["claim_reserve", "payout", "recovery"]
    earlier = statement.monthly(db, lender_code=bank.code, month=month_before(month))
    assert [m.transfer.kind for m in earlier.movements] == ["allocation"]
    assert earlier.accounts[0].closing_fen == allocation.opening_fen
    assert earlier.claims == [] and earlier.covered == []


def test_covered_loans_at_month_end_and_the_month_s_claims(
    db: Session, story: tuple[Lender, Month]
) -> None:
    bank, month = story
    made = statement.monthly(db, lender_code=bank.code, month=month)
    standing = sorted((c.status, c.outstanding_fen) for c in made.covered)
    assert standing == [(LoanStatus.CURRENT, 20_000_000), (LoanStatus.DEFAULTED, 15_000_000)]
    (claim,) = made.claims
    assert claim.claim.amount_fen == 8_000_000 and claim.paid_at is not None


def cells(made: Statement) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(statement_workbook.workbook(made)))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


def test_the_workbook_has_chinese_sheets_integer_fen_and_no_live_formula(
    db: Session, story: tuple[Lender, Month]
) -> None:
    bank, month = story
    post(db, bank, "hostile", 1, reference=HOSTILE)
    made = statement.monthly(db, lender_code=bank.code, month=month)
    sheets = cells(made)
    assert list(sheets) == ["账户汇总", "资金流水", "覆盖贷款", "代偿"]
    summary = sheets["账户汇总"]
    assert summary[2][:4] == ["账户", "账户代码", "余额方向", "期初余额（分）"]
    allocation = summary[3]
    assert allocation[0] == "合作银行额度" and allocation[3] == 10_000_000
    assert allocation[6] == made.accounts[0].closing_fen and isinstance(allocation[6], int)
    flows = sheets["资金流水"]
    assert flows[0][0] == "记账时间（北京时间）"
    assert [row[2] for row in flows[1:]] == ["claim_reserve", "payout", "recovery", "allocation"]
    assert flows[-1][3] == "'" + HOSTILE  # shown as text, never run
    assert all(isinstance(row[6], int) for row in flows[1:])
    raw = load_workbook(io.BytesIO(statement_workbook.workbook(made)))["资金流水"]
    assert {cell.data_type for row in raw.iter_rows(min_row=2) for cell in row[3:4]} == {"s"}
    assert sheets["代偿"][1][7] == 20_000_000
    assert statement_workbook.filename(made) == f"fund-statement-{bank.code}-{month}.xlsx"
