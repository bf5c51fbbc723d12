"""Open accounts, post transfers (all of a journal or none), reverse them, read balances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from lenders.fund.ledger import repository
from lenders.fund.ledger.exceptions import (
    AccountNotFound,
    AlreadyReversed,
    InvalidTransfer,
    KeyReused,
    LimitExceeded,
    TransferNotFound,
)
from lenders.fund.ledger.models import (
    KEY_MAX_LENGTH,
    LedgerAccount,
    LedgerTransfer,
    Limit,
    exceeds_limit,
)


@dataclass(frozen=True)
class Posting:
    """``amount_fen`` moves to the ``debit`` account from the ``credit`` account (codes)."""

    key: str
    debit: str
    credit: str
    amount_fen: int
    kind: str
    reference: str = ""


@dataclass(frozen=True)
class Balance:
    code: str
    name: str
    debits_fen: int
    credits_fen: int

    @property
    def debit_balance_fen(self) -> int:
        return self.debits_fen - self.credits_fen

    @property
    def credit_balance_fen(self) -> int:
        return self.credits_fen - self.debits_fen


class AccountExists(KeyReused):
    """An account code is taken by an account with another limit."""

    code = "ledger_account_exists"


def open_account(
    session: Session, *, code: str, name: str, limit: Limit = Limit.NONE
) -> LedgerAccount:
    """The account of ``code``, opened now if new; opening it again changes nothing."""
    found = repository.account(session, code)
    if found is not None:
        if found.limit_side != limit:
            raise AccountExists(f"account {code} exists with limit {found.limit_side}")
        return found
    opened = LedgerAccount(code=code, name=name, limit_side=limit)
    session.add(opened)
    session.flush()
    return opened


def post(
    session: Session, *, journal: str, postings: Sequence[Posting], actor: str
) -> list[LedgerTransfer]:
    """Post every transfer of ``journal`` or none. Posting the same keys again with the same
    transfers returns them and changes nothing; a key naming another transfer is refused."""
    return _post(session, journal=journal, postings=postings, actor=actor, reverses={})[0]


def post_once(
    session: Session, *, journal: str, postings: Sequence[Posting], actor: str
) -> tuple[list[LedgerTransfer], bool]:
    """``post``, and whether it was a replay (True: posted before, nothing changed now), for a
    caller that records the act once, such as the audit log."""
    return _post(session, journal=journal, postings=postings, actor=actor, reverses={})


def reverse(session: Session, *, key: str, reversal_key: str, actor: str) -> LedgerTransfer:
    """Undo the transfer of ``key`` by its mirror image; reversing again with the same
    ``reversal_key`` returns that reversal, any other key is refused."""
    original = repository.transfer(session, key)
    if original is None or original.id is None:
        raise TransferNotFound(f"no transfer has key {key}")
    done = repository.reversal_of(session, original.id)
    if done is not None and done.key != reversal_key:
        raise AlreadyReversed(f"transfer {key} was reversed by {done.key}")
    codes = repository.account_codes(
        session, [original.debit_account_id, original.credit_account_id]
    )
    mirror = Posting(
        key=reversal_key,
        debit=codes[original.credit_account_id],
        credit=codes[original.debit_account_id],
        amount_fen=original.amount_fen,
        kind="reversal",
        reference=original.reference,
    )
    [reversal], _ = _post(
        session,
        journal=f"reversal:{original.journal}"[:KEY_MAX_LENGTH],
        postings=[mirror],
        actor=actor,
        reverses={reversal_key: original.id},
    )
    return reversal


def posted(session: Session, key: str) -> LedgerTransfer | None:
    """The transfer posted under ``key``, if any."""
    return repository.transfer(session, key)


def balances(session: Session, *, prefix: str) -> list[Balance]:
    """Every account whose code starts with ``prefix``, in code order."""
    return [
        Balance(a.code, a.name, a.debits_posted_fen, a.credits_posted_fen)
        for a in repository.accounts_with_prefix(session, prefix)
    ]


def balance(session: Session, code: str) -> Balance:
    found = repository.account(session, code)
    if found is None:
        raise AccountNotFound(f"no ledger account {code}")
    return Balance(found.code, found.name, found.debits_posted_fen, found.credits_posted_fen)


def balance_for_update(session: Session, code: str) -> Balance:
    """``balance``, with the account locked until the transaction ends, for a caller that
    posts no more than what the account holds."""
    locked = repository.lock_accounts(session, [code])
    if not locked:
        raise AccountNotFound(f"no ledger account {code}")
    found = locked[0]
    return Balance(found.code, found.name, found.debits_posted_fen, found.credits_posted_fen)


def _post(
    session: Session,
    *,
    journal: str,
    postings: Sequence[Posting],
    actor: str,
    reverses: dict[str, int],
) -> tuple[list[LedgerTransfer], bool]:
    _check_shape(journal, postings)
    accounts = {a.code: a for a in repository.lock_accounts(session, _codes(postings))}
    missing = sorted(set(_codes(postings)) - set(accounts))
    if missing:
        raise AccountNotFound(f"no ledger account {', '.join(missing)}")
    # Read after the lock: a posting of the same keys that committed meanwhile is seen here.
    done = {t.key: t for t in repository.transfers_by_keys(session, [p.key for p in postings])}
    if done:
        return _replayed(journal, postings, done, accounts, reverses), True
    totals = {code: [a.debits_posted_fen, a.credits_posted_fen] for code, a in accounts.items()}
    for p in postings:
        totals[p.debit][0] += p.amount_fen
        totals[p.credit][1] += p.amount_fen
    over = [code for code, a in accounts.items() if exceeds_limit(a.limit_side, *totals[code])]
    if over:
        raise LimitExceeded(f"posting {journal} would overdraw {', '.join(sorted(over))}")
    for code, a in accounts.items():
        a.debits_posted_fen, a.credits_posted_fen = totals[code]
    transfers = [
        LedgerTransfer(
            key=p.key,
            journal=journal,
            debit_account_id=_id(accounts[p.debit]),
            credit_account_id=_id(accounts[p.credit]),
            amount_fen=p.amount_fen,
            kind=p.kind,
            reference=p.reference,
            reverses_id=reverses.get(p.key),
            posted_by=actor,
        )
        for p in postings
    ]
    session.add_all([*transfers, *accounts.values()])
    session.flush()
    return transfers, False


def _check_shape(journal: str, postings: Sequence[Posting]) -> None:
    if not postings:
        raise InvalidTransfer(f"journal {journal} has no transfers")
    keys = [p.key for p in postings]
    if len(set(keys)) != len(keys):
        raise InvalidTransfer(f"journal {journal} repeats a key")
    for p in postings:
        if not p.key or len(p.key) > KEY_MAX_LENGTH or not journal or len(journal) > KEY_MAX_LENGTH:
            raise InvalidTransfer(f"a key is 1 to {KEY_MAX_LENGTH} characters")
        if isinstance(p.amount_fen, bool) or not isinstance(p.amount_fen, int):
            raise InvalidTransfer(f"transfer {p.key}: an amount is whole fen")
        if p.amount_fen <= 0:
            raise InvalidTransfer(f"transfer {p.key}: the amount must be positive")
        if p.debit == p.credit:
            raise InvalidTransfer(f"transfer {p.key}: debit and credit are one account")


def _codes(postings: Sequence[Posting]) -> list[str]:
    return [code for p in postings for code in (p.debit, p.credit)]


def _replayed(
    journal: str,
    postings: Sequence[Posting],
    done: dict[str, LedgerTransfer],
    accounts: dict[str, LedgerAccount],
    reverses: dict[str, int],
) -> list[LedgerTransfer]:
    """The transfers already posted under these keys, if they are exactly these postings."""
    replay = []
    for p in postings:
        found = done.get(p.key)
        same = found is not None and (
            found.journal == journal
            and found.debit_account_id == _id(accounts[p.debit])
            and found.credit_account_id == _id(accounts[p.credit])
            and found.amount_fen == p.amount_fen
            and found.kind == p.kind
            and found.reference == p.reference
            and found.reverses_id == reverses.get(p.key)
        )
        if not same or found is None:
            raise KeyReused(f"key {p.key} names another transfer")
        replay.append(found)
    return replay


def _id(account: LedgerAccount) -> int:
    assert account.id is not None  # a locked account is a stored one
    return account.id
