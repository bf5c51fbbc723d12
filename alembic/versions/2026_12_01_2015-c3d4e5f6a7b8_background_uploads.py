"""background uploads: a batch's progress and the file it waits to load

Revision ID: c3d4e5f6a7b8
Revises: 82a3cb24a854
Create Date: 2026-12-01 20:15:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c3d4e5f6a7b8"
down_revision: str | None = "82a3cb24a854"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("source_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("progress_percent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("upload_file", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("source_batches", schema=None) as batch_op:
        batch_op.drop_column("upload_file")
        batch_op.drop_column("progress_percent")
