"""fund covers: the fund's decision on each loan at its disbursement, covered or refused and why

Revision ID: 346b084fad04
Revises: 98fb3973cf9e
Create Date: 2026-12-03 08:07:21.744786+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "346b084fad04"
down_revision: str | None = "98fb3973cf9e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fund_covers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("covered", sa.Boolean(), nullable=False),
        sa.Column("refusal", sa.String(length=32), nullable=True),
        sa.Column("principal_fen", sa.BigInteger(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(covered AND refusal IS NULL) OR (NOT covered AND refusal IS NOT NULL)",
            name=op.f("ck_fund_covers_covered_or_refused"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["fund_agreements.id"],
            name=op.f("fk_fund_covers_agreement_id_fund_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["lender_code"], ["lenders.code"], name=op.f("fk_fund_covers_lender_code_lenders")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_fund_covers_loan_id_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_covers")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_fund_covers_loan_id")),
    )
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_covers_lender_covered", ["lender_code", "covered"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fund_covers_uscc"), ["uscc"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_covers_uscc"))
        batch_op.drop_index("ix_fund_covers_lender_covered")

    op.drop_table("fund_covers")
