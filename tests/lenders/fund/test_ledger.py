"""The ledger: journals post whole or not at all, limits hold, keys replay, reversals mirror,
and the database itself refuses what the service would never write."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import (
    AccountNotFound,
    AlreadyReversed,
    InvalidTransfer,
    KeyReused,
    LimitExceeded,
    TransferNotFound,
)
from lenders.fund.ledger.models import LedgerTransfer, Limit
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.ledger.service import AccountExists, Posting

ACTOR = "test"


@pytest.fixture
def accounts(db: Session) -> Session:
    """The office's capital, the fund's cash (never below zero) and a bank's payouts."""
    ledger.open_account(db, code="office:capital", name="财政出资")
    ledger.open_account(db, code="fund:cash", name="基金专户", limit=Limit.CREDITS_WITHIN_DEBITS)
    ledger.open_account(db, code="bank:payouts", name="代偿支出")
    return db


def contribute(db: Session, key: str, fen: int) -> list[LedgerTransfer]:
    posting = Posting(key, "fund:cash", "office:capital", fen, "contribution")
    return ledger.post(db, journal=key, postings=[posting], actor=ACTOR)


def pay(db: Session, key: str, fen: int) -> list[LedgerTransfer]:
    posting = Posting(key, "bank:payouts", "fund:cash", fen, "payout", "claim:1")
    return ledger.post(db, journal=key, postings=[posting], actor=ACTOR)


def test_a_posting_moves_money_and_both_sides_agree(accounts: Session) -> None:
    contribute(accounts, "c1", 1_000_000)
    pay(accounts, "p1", 400_000)
    cash = ledger.balance(accounts, "fund:cash")
    assert (cash.debits_fen, cash.credits_fen, cash.debit_balance_fen) == (
        1_000_000,
        400_000,
        600_000,
    )
    assert ledger.balance(accounts, "office:capital").credit_balance_fen == 1_000_000
    assert ledger.balance(accounts, "bank:payouts").debit_balance_fen == 400_000
    report = reconcile(accounts)
    assert report.ok and report.entries == 2 and report.accounts == 3
    assert report.debits_fen == report.credits_fen == 1_400_000


def test_a_posting_beyond_the_fund_s_cash_is_refused_and_changes_nothing(accounts: Session) -> None:
    contribute(accounts, "c1", 100)
    with pytest.raises(LimitExceeded, match="fund:cash"):
        pay(accounts, "p1", 101)
    assert ledger.balance(accounts, "fund:cash").debit_balance_fen == 100
    assert reconcile(accounts).entries == 1
    pay(accounts, "p1", 100)  # the refused key was never taken
    assert ledger.balance(accounts, "fund:cash").debit_balance_fen == 0


def test_a_journal_posts_every_transfer_or_none(accounts: Session) -> None:
    contribute(accounts, "c1", 500)
    both = [
        Posting("j-a", "bank:payouts", "fund:cash", 300, "payout"),
        Posting("j-b", "bank:payouts", "fund:cash", 300, "payout"),
    ]
    with pytest.raises(LimitExceeded):
        ledger.post(accounts, journal="j", postings=both, actor=ACTOR)
    assert reconcile(accounts).entries == 1
    assert ledger.balance(accounts, "bank:payouts").debits_fen == 0


def test_replaying_a_key_changes_nothing_and_a_reused_key_is_refused(accounts: Session) -> None:
    [first] = contribute(accounts, "c1", 700)
    [again] = contribute(accounts, "c1", 700)
    assert again.id == first.id
    assert ledger.balance(accounts, "fund:cash").debits_fen == 700
    with pytest.raises(KeyReused):
        contribute(accounts, "c1", 701)
    assert reconcile(accounts).entries == 1


def test_a_reversal_mirrors_its_transfer_once(accounts: Session) -> None:
    [paid] = (contribute(accounts, "c1", 900), pay(accounts, "p1", 250))[1]
    reversal = ledger.reverse(accounts, key="p1", reversal_key="p1-undo", actor=ACTOR)
    assert (reversal.debit_account_id, reversal.credit_account_id) == (
        paid.credit_account_id,
        paid.debit_account_id,
    )
    assert reversal.reverses_id == paid.id and reversal.reference == "claim:1"
    assert ledger.balance(accounts, "fund:cash").debit_balance_fen == 900
    assert ledger.reverse(accounts, key="p1", reversal_key="p1-undo", actor=ACTOR).id == reversal.id
    with pytest.raises(AlreadyReversed):
        ledger.reverse(accounts, key="p1", reversal_key="p1-undo-2", actor=ACTOR)
    with pytest.raises(TransferNotFound):
        ledger.reverse(accounts, key="nothing", reversal_key="x", actor=ACTOR)
    assert reconcile(accounts).ok


def test_reversing_a_contribution_already_paid_out_is_refused(accounts: Session) -> None:
    contribute(accounts, "c1", 100)
    pay(accounts, "p1", 80)
    with pytest.raises(LimitExceeded):
        ledger.reverse(accounts, key="c1", reversal_key="c1-undo", actor=ACTOR)
    assert ledger.balance(accounts, "fund:cash").debit_balance_fen == 20


@pytest.mark.parametrize(
    ("posting", "error"),
    [
        (Posting("k", "fund:cash", "office:capital", 0, "contribution"), InvalidTransfer),
        (Posting("k", "fund:cash", "office:capital", -5, "contribution"), InvalidTransfer),
        (Posting("k", "fund:cash", "office:capital", 1.5, "contribution"), InvalidTransfer),  # type: ignore[arg-type]
        (Posting("k", "fund:cash", "office:capital", True, "contribution"), InvalidTransfer),
        (Posting("k", "fund:cash", "fund:cash", 5, "contribution"), InvalidTransfer),
        (Posting("", "fund:cash", "office:capital", 5, "contribution"), InvalidTransfer),
        (Posting("k" * 129, "fund:cash", "office:capital", 5, "contribution"), InvalidTransfer),
        (Posting("k", "fund:cash", "nobody", 5, "contribution"), AccountNotFound),
    ],
    ids=["zero", "negative", "float", "bool", "self", "no-key", "long-key", "unknown-account"],
)
def test_a_malformed_posting_is_refused_and_changes_nothing(
    accounts: Session, posting: Posting, error: type[Exception]
) -> None:
    with pytest.raises(error):
        ledger.post(accounts, journal="bad", postings=[posting], actor=ACTOR)
    with pytest.raises(InvalidTransfer):
        ledger.post(accounts, journal="empty", postings=[], actor=ACTOR)
    assert reconcile(accounts).entries == 0
    assert ledger.balance(accounts, "fund:cash").debits_fen == 0


def test_opening_an_account_again_is_idempotent_but_its_limit_is_fixed(accounts: Session) -> None:
    again = ledger.open_account(
        accounts, code="fund:cash", name="基金专户", limit=Limit.CREDITS_WITHIN_DEBITS
    )
    assert again.code == "fund:cash"
    with pytest.raises(AccountExists):
        ledger.open_account(accounts, code="fund:cash", name="基金专户")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_transfers SET amount_fen = amount_fen + 1",
        "DELETE FROM ledger_transfers",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_a_transfer(accounts: Session, statement: str) -> None:
    contribute(accounts, "c1", 100)
    with pytest.raises(Exception, match="immutable"), accounts.begin_nested():
        accounts.execute(text(statement))
    assert reconcile(accounts).ok


def test_the_database_refuses_a_transfer_of_a_broken_shape(accounts: Session) -> None:
    cash = ledger.balance(accounts, "fund:cash")
    assert cash.code == "fund:cash"
    ids = dict(accounts.execute(text("SELECT code, id FROM ledger_accounts")).all())
    for amount, debit in ((0, ids["fund:cash"]), (5, ids["office:capital"])):
        with (
            pytest.raises(Exception, match=r"amount_positive|two_accounts"),
            accounts.begin_nested(),
        ):
            accounts.execute(
                text(
                    "INSERT INTO ledger_transfers (key, journal, debit_account_id, "
                    "credit_account_id, amount_fen, kind, reference, posted_by, posted_at) "
                    "VALUES (:key, 'j', :debit, :credit, :amount, 'x', '', 't', CURRENT_TIMESTAMP)"
                ),
                {
                    "key": f"raw-{amount}",
                    "debit": debit,
                    "credit": ids["office:capital"],
                    "amount": amount,
                },
            )


def test_the_database_refuses_posted_totals_beyond_an_account_s_limit(accounts: Session) -> None:
    with pytest.raises(Exception, match="credits_within_debits"), accounts.begin_nested():
        accounts.execute(
            text("UPDATE ledger_accounts SET credits_posted_fen = 1 WHERE code = 'fund:cash'")
        )


def test_reconcile_finds_a_checkpoint_that_disagrees_with_its_transfers(accounts: Session) -> None:
    contribute(accounts, "c1", 100)
    accounts.execute(
        text("UPDATE ledger_accounts SET debits_posted_fen = 99 WHERE code = 'fund:cash'")
    )
    report = reconcile(accounts)
    assert report.balanced and report.mismatches == 1 and not report.ok
