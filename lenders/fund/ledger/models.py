"""Ledger accounts and the transfers between them, money in fen."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type

KEY_MAX_LENGTH = 128


class Limit(StrEnum):
    """Which side of an account may not exceed the other (TigerBeetle's account flags)."""

    NONE = "none"
    DEBITS_WITHIN_CREDITS = "debits_within_credits"  # a credit-normal balance never below 0
    CREDITS_WITHIN_DEBITS = "credits_within_debits"  # a debit-normal balance never below 0


class LedgerAccount(SQLModel, table=True):
    """One account, with the totals posted to it so far (a checkpoint ``reconcile`` verifies)."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint("debits_posted_fen >= 0", name="debits_nonnegative"),
        CheckConstraint("credits_posted_fen >= 0", name="credits_nonnegative"),
        CheckConstraint(
            "NOT (limit_side = 'debits_within_credits' AND debits_posted_fen > credits_posted_fen)",
            name="debits_within_credits",
        ),
        CheckConstraint(
            "NOT (limit_side = 'credits_within_debits' AND credits_posted_fen > debits_posted_fen)",
            name="credits_within_debits",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)  # "fund:cash", "lender:HZB:allocation"
    name: str = Field(max_length=100)  # what people read: 基金专户
    limit_side: Limit = Field(default=Limit.NONE, sa_type=enum_type(Limit))
    debits_posted_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    credits_posted_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class LedgerTransfer(SQLModel, table=True):
    """One posting: ``amount_fen`` leaves ``credit_account`` for ``debit_account``. Immutable."""

    __tablename__ = "ledger_transfers"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
        Index("ix_ledger_transfers_debit_account", "debit_account_id"),
        Index("ix_ledger_transfers_credit_account", "credit_account_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=KEY_MAX_LENGTH, unique=True)  # idempotency: one posting per key
    journal: str = Field(max_length=KEY_MAX_LENGTH, index=True)  # postings made together
    debit_account_id: int = Field(foreign_key="ledger_accounts.id")
    credit_account_id: int = Field(foreign_key="ledger_accounts.id")
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(max_length=40)  # what the posting is: contribution, payout, reversal…
    reference: str = Field(default="", max_length=64)  # what it is about: "loan:17", "claim:3"
    reverses_id: int | None = Field(default=None, foreign_key="ledger_transfers.id", unique=True)
    posted_by: str = Field(max_length=64)
    posted_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


def exceeds_limit(limit: Limit, debits_fen: int, credits_fen: int) -> bool:
    """Whether totals of ``debits_fen`` and ``credits_fen`` break the account's limit."""
    if limit == Limit.DEBITS_WITHIN_CREDITS:
        return debits_fen > credits_fen
    if limit == Limit.CREDITS_WITHIN_DEBITS:
        return credits_fen > debits_fen
    return False
