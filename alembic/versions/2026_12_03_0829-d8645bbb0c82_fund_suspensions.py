"""fund suspensions: stretches when a bank's covered NPL ratio stops its new cover

Revision ID: d8645bbb0c82
Revises: ec015f5fa161
Create Date: 2026-12-03 08:29:10.879260+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d8645bbb0c82"
down_revision: str | None = "ec015f5fa161"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fund_suspensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("npl_bp", sa.Integer(), nullable=False),
        sa.Column("reinstated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reinstated_npl_bp", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lender_code"], ["lenders.code"], name=op.f("fk_fund_suspensions_lender_code_lenders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_suspensions")),
    )
    with op.batch_alter_table("fund_suspensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_suspensions_lender_code"), ["lender_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_suspensions_lender_code"))

    op.drop_table("fund_suspensions")
