"""risk-buffer fund ledger: accounts and immutable transfers

Every transfer balances by construction (one amount, debited to one account and credited to
another); checks refuse a non-positive amount, an account paying itself and posted totals
beyond an account's limit. Triggers refuse UPDATE, DELETE (and TRUNCATE, REPLACE) of
transfers, as they do for the audit log: a mistake is undone by a reversing transfer.

Revision ID: 27094d401022
Revises: e1f2a3b4c5d6
Create Date: 2026-12-03 07:50:42.670314+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "27094d401022"
down_revision: str | None = "e1f2a3b4c5d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = "ledger_transfers is immutable: post a reversing transfer instead"


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("limit_side", sa.String(length=32), nullable=False),
        sa.Column("debits_posted_fen", sa.BigInteger(), nullable=False),
        sa.Column("credits_posted_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "NOT (limit_side = 'credits_within_debits' AND credits_posted_fen > debits_posted_fen)",
            name=op.f("ck_ledger_accounts_credits_within_debits"),
        ),
        sa.CheckConstraint(
            "NOT (limit_side = 'debits_within_credits' AND debits_posted_fen > credits_posted_fen)",
            name=op.f("ck_ledger_accounts_debits_within_credits"),
        ),
        sa.CheckConstraint(
            "credits_posted_fen >= 0", name=op.f("ck_ledger_accounts_credits_nonnegative")
        ),
        sa.CheckConstraint(
            "debits_posted_fen >= 0", name=op.f("ck_ledger_accounts_debits_nonnegative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_accounts_code")),
    )
    op.create_table(
        "ledger_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("journal", sa.String(length=128), nullable=False),
        sa.Column("debit_account_id", sa.Integer(), nullable=False),
        sa.Column("credit_account_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("posted_by", sa.String(length=64), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_ledger_transfers_amount_positive")),
        sa.CheckConstraint(
            "debit_account_id <> credit_account_id", name=op.f("ck_ledger_transfers_two_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["credit_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_transfers_credit_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["debit_account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_transfers_debit_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_transfers.id"],
            name=op.f("fk_ledger_transfers_reverses_id_ledger_transfers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transfers")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_transfers_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_ledger_transfers_reverses_id")),
    )
    with op.batch_alter_table("ledger_transfers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_transfers_credit_account", ["credit_account_id"], unique=False
        )
        batch_op.create_index(
            "ix_ledger_transfers_debit_account", ["debit_account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_transfers_journal"), ["journal"], unique=False)
    protect_transfers()


def downgrade() -> None:
    unprotect_transfers()
    with op.batch_alter_table("ledger_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_transfers_journal"))
        batch_op.drop_index("ix_ledger_transfers_debit_account")
        batch_op.drop_index("ix_ledger_transfers_credit_account")
    op.drop_table("ledger_transfers")
    op.drop_table("ledger_accounts")


def protect_transfers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{IMMUTABLE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER ledger_transfers_immutable BEFORE UPDATE OR DELETE ON ledger_transfers "
            "FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable()"
        )
        op.execute(
            "CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfers_immutable()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER ledger_transfers_no_{verb.lower()} BEFORE {verb} ON ledger_transfers "
            f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END"
        )
    # REPLACE deletes a clashing row without firing the delete trigger: refuse the clash first.
    op.execute(
        "CREATE TRIGGER ledger_transfers_no_replace BEFORE INSERT ON ledger_transfers "
        "WHEN EXISTS (SELECT 1 FROM ledger_transfers WHERE id = NEW.id OR key = NEW.key) "
        "BEGIN SELECT RAISE(ABORT, 'ledger_transfers is immutable: a key is posted once'); END"
    )


def unprotect_transfers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_transfers_no_truncate ON ledger_transfers")
        op.execute("DROP TRIGGER ledger_transfers_immutable ON ledger_transfers")
        op.execute("DROP FUNCTION ledger_transfers_immutable()")
        return
    for name in ("update", "delete", "replace"):
        op.execute(f"DROP TRIGGER ledger_transfers_no_{name}")
