"""Prove the ledger: every account's checkpoint is the sum of its transfers, debits equal
credits, and no account is beyond the limit it forbids."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session

from lenders.fund.ledger import repository
from lenders.fund.ledger.models import LedgerAccount, exceeds_limit


@dataclass(frozen=True)
class Reconciliation:
    balanced: bool  # Σ debits = Σ credits = Σ amounts, and no transfer of a broken shape
    entries: int
    accounts: int
    negative_balances: int  # accounts whose transfers take them below zero on a forbidden side
    mismatches: int  # accounts whose posted totals differ from the sums of their transfers
    debits_fen: int
    credits_fen: int

    @property
    def ok(self) -> bool:
        return self.balanced and self.negative_balances == 0 and self.mismatches == 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def reconcile(session: Session) -> Reconciliation:
    entries, total, broken = repository.transfer_figures(session)
    debits, credits = repository.derived_totals(session)
    accounts = repository.accounts(session)
    mismatches = sum(
        1
        for a in accounts
        if (a.debits_posted_fen, a.credits_posted_fen)
        != (debits.get(_id(a), 0), credits.get(_id(a), 0))
    )
    negative = sum(
        1
        for a in accounts
        if exceeds_limit(a.limit_side, debits.get(_id(a), 0), credits.get(_id(a), 0))
    )
    debit_sum, credit_sum = sum(debits.values()), sum(credits.values())
    return Reconciliation(
        balanced=broken == 0 and debit_sum == credit_sum == total,
        entries=entries,
        accounts=len(accounts),
        negative_balances=negative,
        mismatches=mismatches,
        debits_fen=debit_sum,
        credits_fen=credit_sum,
    )


def _id(account: LedgerAccount) -> int:
    assert account.id is not None
    return account.id
