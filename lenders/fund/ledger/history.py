"""The ledger over time: balances as they stood at a moment, and the transfers in between."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from lenders.fund.ledger import repository
from lenders.fund.ledger.models import LedgerTransfer
from lenders.fund.ledger.service import Balance


@dataclass(frozen=True)
class Movement:
    """One transfer, with the codes of the account it debits and the one it credits."""

    transfer: LedgerTransfer
    debit: str
    credit: str


def balances_before(
    session: Session, *, codes: Sequence[str], moment: datetime
) -> dict[str, Balance]:
    """Each existing account of ``codes`` as its transfers posted before ``moment`` left it."""
    accounts = repository.accounts_by_codes(session, codes)
    ids = [a.id for a in accounts if a.id is not None]
    debits, credits = repository.totals_before(session, account_ids=ids, before=moment)
    return {
        a.code: Balance(a.code, a.name, debits.get(a.id or 0, 0), credits.get(a.id or 0, 0))
        for a in accounts
    }


def movements(
    session: Session, *, codes: Sequence[str], since: datetime, until: datetime
) -> list[Movement]:
    """The transfers touching any account of ``codes`` posted in [since, until), in order."""
    accounts = repository.accounts_by_codes(session, codes)
    ids = [a.id for a in accounts if a.id is not None]
    transfers = repository.transfers_between(session, account_ids=ids, since=since, until=until)
    named = repository.account_codes(
        session, sorted({i for t in transfers for i in (t.debit_account_id, t.credit_account_id)})
    )
    return [Movement(t, named[t.debit_account_id], named[t.credit_account_id]) for t in transfers]
