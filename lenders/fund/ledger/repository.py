"""Every query of the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from lenders.fund.ledger.models import LedgerAccount, LedgerTransfer


def account(session: Session, code: str) -> LedgerAccount | None:
    return session.exec(select(LedgerAccount).where(LedgerAccount.code == code)).first()


def lock_accounts(session: Session, codes: Sequence[str]) -> list[LedgerAccount]:
    """The accounts of ``codes``, locked in id order so two postings never deadlock, and read
    afresh: a posting checks its limits against what the last committed posting left."""
    query = (
        select(LedgerAccount)
        .where(col(LedgerAccount.code).in_(sorted(set(codes))))
        .order_by(col(LedgerAccount.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.exec(query))


def transfers_by_keys(session: Session, keys: Sequence[str]) -> list[LedgerTransfer]:
    query = select(LedgerTransfer).where(col(LedgerTransfer.key).in_(list(keys)))
    return list(session.exec(query))


def transfer(session: Session, key: str) -> LedgerTransfer | None:
    return session.exec(select(LedgerTransfer).where(LedgerTransfer.key == key)).first()


def reversal_of(session: Session, transfer_id: int) -> LedgerTransfer | None:
    query = select(LedgerTransfer).where(LedgerTransfer.reverses_id == transfer_id)
    return session.exec(query).first()


def account_codes(session: Session, ids: Sequence[int]) -> dict[int, str]:
    query = select(LedgerAccount.id, LedgerAccount.code).where(col(LedgerAccount.id).in_(ids))
    return {account_id: code for account_id, code in session.exec(query) if account_id is not None}


def accounts_with_prefix(session: Session, prefix: str) -> list[LedgerAccount]:
    query = (
        select(LedgerAccount)
        .where(col(LedgerAccount.code).startswith(prefix, autoescape=True))
        .order_by(col(LedgerAccount.code))
    )
    return list(session.exec(query))


def accounts(session: Session) -> list[LedgerAccount]:
    return list(session.exec(select(LedgerAccount).order_by(col(LedgerAccount.id))))


def derived_totals(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Per account id, the sums of the transfers debiting it and of those crediting it."""
    debits = select(LedgerTransfer.debit_account_id, func.sum(LedgerTransfer.amount_fen)).group_by(
        col(LedgerTransfer.debit_account_id)
    )
    credits = select(
        LedgerTransfer.credit_account_id, func.sum(LedgerTransfer.amount_fen)
    ).group_by(col(LedgerTransfer.credit_account_id))
    return (
        {account_id: int(total) for account_id, total in session.exec(debits)},
        {account_id: int(total) for account_id, total in session.exec(credits)},
    )


def transfer_figures(session: Session) -> tuple[int, int, int]:
    """(transfers, their total in fen, transfers breaking a posting's shape: 0 unless the
    database's checks were bypassed)."""
    broken = (col(LedgerTransfer.amount_fen) <= 0) | (
        col(LedgerTransfer.debit_account_id) == col(LedgerTransfer.credit_account_id)
    )
    count, total = session.exec(
        select(func.count(), func.coalesce(func.sum(LedgerTransfer.amount_fen), 0))
    ).one()
    bad = session.exec(select(func.count()).where(broken)).one()
    return int(count), int(total), int(bad)


def transfers_between(
    session: Session, *, account_ids: Sequence[int], since: datetime, until: datetime
) -> list[LedgerTransfer]:
    """Transfers debiting or crediting any of these accounts posted in [since, until), in order."""
    if not account_ids:
        return []
    ids = list(account_ids)
    query = (
        select(LedgerTransfer)
        .where(
            col(LedgerTransfer.debit_account_id).in_(ids)
            | col(LedgerTransfer.credit_account_id).in_(ids),
            col(LedgerTransfer.posted_at) >= since,
            col(LedgerTransfer.posted_at) < until,
        )
        .order_by(col(LedgerTransfer.posted_at), col(LedgerTransfer.id))
    )
    return list(session.exec(query))


def totals_before(
    session: Session, *, account_ids: Sequence[int], before: datetime
) -> tuple[dict[int, int], dict[int, int]]:
    """Per account id, the sums of the transfers debiting it and crediting it before ``before``."""
    if not account_ids:
        return {}, {}
    ids, earlier = list(account_ids), col(LedgerTransfer.posted_at) < before
    debits = (
        select(LedgerTransfer.debit_account_id, func.sum(LedgerTransfer.amount_fen))
        .where(col(LedgerTransfer.debit_account_id).in_(ids), earlier)
        .group_by(col(LedgerTransfer.debit_account_id))
    )
    credits = (
        select(LedgerTransfer.credit_account_id, func.sum(LedgerTransfer.amount_fen))
        .where(col(LedgerTransfer.credit_account_id).in_(ids), earlier)
        .group_by(col(LedgerTransfer.credit_account_id))
    )
    return (
        {account_id: int(total) for account_id, total in session.exec(debits)},
        {account_id: int(total) for account_id, total in session.exec(credits)},
    )


def accounts_by_codes(session: Session, codes: Sequence[str]) -> list[LedgerAccount]:
    query = select(LedgerAccount).where(col(LedgerAccount.code).in_(list(codes)))
    return list(session.exec(query.order_by(col(LedgerAccount.id))))
