"""fund claims by status and age: the office's claims list, the longest waiting first

Revision ID: 5b0f3c9e2a71
Revises: 5b7e2c9d41a3
Create Date: 2026-12-03 13:00:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5b0f3c9e2a71"
down_revision: str | None = "5b7e2c9d41a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_claims_status_filed_at", ["status", "filed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_claims_status_filed_at")
