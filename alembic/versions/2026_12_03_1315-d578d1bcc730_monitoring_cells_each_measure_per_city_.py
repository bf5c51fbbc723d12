"""monitoring cells: each measure per city month and cut, their rebuilds, targets and entered figures

Revision ID: d578d1bcc730
Revises: d8645bbb0c82
Create Date: 2026-12-03 13:15:08.592816+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d578d1bcc730"
down_revision: str | None = "d8645bbb0c82"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monitoring_cells",
        # BIGINT on PostgreSQL; on SQLite only INTEGER PRIMARY KEY numbers rows by itself
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=False),
        sa.Column("industry_section", sa.String(length=1), nullable=False),
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("product_type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_cells")),
        sa.UniqueConstraint(
            "measure",
            "month",
            "district",
            "industry_section",
            "lender_code",
            "product_type",
            name=op.f("uq_monitoring_cells_measure"),
        ),
    )
    op.create_table(
        "monitoring_refreshes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_month", sa.String(length=7), nullable=False),
        sa.Column("last_month", sa.String(length=7), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("made_by", sa.String(length=64), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_refreshes")),
    )

    op.create_table(
        "monitoring_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("start_month", sa.String(length=7), nullable=False),
        sa.Column("due_month", sa.String(length=7), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_targets")),
        sa.UniqueConstraint(
            "indicator", "district", "version", name=op.f("uq_monitoring_targets_indicator")
        ),
    )

    op.create_table(
        "monitoring_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_figures")),
        sa.UniqueConstraint(
            "measure", "district", "month", "version", name=op.f("uq_monitoring_figures_measure")
        ),
    )


def downgrade() -> None:
    op.drop_table("monitoring_figures")
    op.drop_table("monitoring_targets")
    op.drop_table("monitoring_refreshes")
    op.drop_table("monitoring_cells")
