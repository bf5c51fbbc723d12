"""Outbox events record their writing transaction's id, so the pull feed skips none

Revision ID: c7d8e9f0a1b2
Revises: a7c3e9f1b2d4
Create Date: 2026-12-01 20:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7d8e9f0a1b2"
down_revision: str | None = "a7c3e9f1b2d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Events written before this all committed long ago: 0 puts them first, in id order.
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("xact_id", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_outbox_events_feed", ["lender_code", "xact_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_feed")
        batch_op.drop_column("xact_id")
