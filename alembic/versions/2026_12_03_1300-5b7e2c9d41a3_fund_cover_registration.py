"""fund cover registration: the day a bank registered an earlier loan for cover, if it did

Revision ID: 5b7e2c9d41a3
Revises: d578d1bcc730
Create Date: 2026-12-03 13:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7e2c9d41a3"
down_revision: str | None = "d578d1bcc730"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.drop_column("registered_on")
