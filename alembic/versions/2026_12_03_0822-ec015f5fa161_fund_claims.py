"""fund claims: banks' claims on the fund for covered loans' losses, reviewed with maker-checker

Revision ID: ec015f5fa161
Revises: 346b084fad04
Create Date: 2026-12-03 08:22:23.043482+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ec015f5fa161"
down_revision: str | None = "346b084fad04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fund_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cover_id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("unpaid_principal_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("returned_fen", sa.BigInteger(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("second_approved_by", sa.String(length=64), nullable=True),
        sa.Column("rejected_by", sa.String(length=64), nullable=True),
        sa.Column("rejection_reason", sa.String(length=500), nullable=True),
        sa.Column("paid_by", sa.String(length=64), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "returned_fen >= 0 AND returned_fen <= COALESCE(amount_fen, 0)",
            name=op.f("ck_fund_claims_returned_within_payout"),
        ),
        sa.CheckConstraint(
            "amount_fen IS NULL OR amount_fen > 0", name=op.f("ck_fund_claims_amount_positive")
        ),
        sa.CheckConstraint("unpaid_principal_fen > 0", name=op.f("ck_fund_claims_loss_positive")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["fund_agreements.id"],
            name=op.f("fk_fund_claims_agreement_id_fund_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["cover_id"], ["fund_covers.id"], name=op.f("fk_fund_claims_cover_id_fund_covers")
        ),
        sa.ForeignKeyConstraint(
            ["lender_code"], ["lenders.code"], name=op.f("fk_fund_claims_lender_code_lenders")
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["loans.id"], name=op.f("fk_fund_claims_loan_id_loans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_claims")),
        sa.UniqueConstraint("cover_id", name=op.f("uq_fund_claims_cover_id")),
        sa.UniqueConstraint("loan_id", name=op.f("uq_fund_claims_loan_id")),
    )
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_claims_lender_status", ["lender_code", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_claims_lender_status")

    op.drop_table("fund_claims")
