"""fund agreements: each bank's cooperation agreement with the risk-buffer fund, versioned

Revision ID: 98fb3973cf9e
Revises: 27094d401022
Create Date: 2026-12-03 08:03:49.525458+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "98fb3973cf9e"
down_revision: str | None = "27094d401022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fund_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("compensation_ratio_bp", sa.Integer(), nullable=False),
        sa.Column("leverage", sa.Integer(), nullable=False),
        sa.Column("allocation_fen", sa.BigInteger(), nullable=False),
        sa.Column("enterprise_cap_fen", sa.BigInteger(), nullable=False),
        sa.Column("eligible_product_ids", sa.JSON(), nullable=False),
        sa.Column("claim_window_days", sa.Integer(), nullable=False),
        sa.Column("premium_rate_bp", sa.Integer(), nullable=True),
        sa.Column("period_cap_bp", sa.Integer(), nullable=True),
        sa.Column("suspension_npl_bp", sa.Integer(), nullable=False),
        sa.Column("reinstatement_npl_bp", sa.Integer(), nullable=False),
        sa.Column("second_approval_above_fen", sa.BigInteger(), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "allocation_fen >= 0", name=op.f("ck_fund_agreements_allocation_nonnegative")
        ),
        sa.CheckConstraint(
            "claim_window_days > 0", name=op.f("ck_fund_agreements_claim_window_positive")
        ),
        sa.CheckConstraint(
            "compensation_ratio_bp > 0 AND compensation_ratio_bp <= 10000",
            name=op.f("ck_fund_agreements_ratio_within_whole"),
        ),
        sa.CheckConstraint(
            "enterprise_cap_fen > 0", name=op.f("ck_fund_agreements_enterprise_cap_positive")
        ),
        sa.CheckConstraint(
            "expires_on IS NULL OR expires_on >= effective_from",
            name=op.f("ck_fund_agreements_expires_after_start"),
        ),
        sa.CheckConstraint("leverage >= 1", name=op.f("ck_fund_agreements_leverage_positive")),
        sa.CheckConstraint(
            "reinstatement_npl_bp < suspension_npl_bp",
            name=op.f("ck_fund_agreements_reinstatement_below_suspension"),
        ),
        sa.ForeignKeyConstraint(
            ["lender_code"], ["lenders.code"], name=op.f("fk_fund_agreements_lender_code_lenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_agreements")),
        sa.UniqueConstraint("lender_code", "version", name=op.f("uq_fund_agreements_lender_code")),
    )
    with op.batch_alter_table("fund_agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_agreements_lender_code"), ["lender_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_agreements_lender_code"))

    op.drop_table("fund_agreements")
