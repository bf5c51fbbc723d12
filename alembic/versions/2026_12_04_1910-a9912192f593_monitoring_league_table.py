"""monitoring league table: each bank's month of answers, response times, breaches and declines

Revision ID: a9912192f593
Revises: 539454b2b857
Create Date: 2026-12-04 19:10:57.444455+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9912192f593"
down_revision: str | None = "539454b2b857"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monitoring_league",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("answered_in_time", sa.Integer(), nullable=False),
        sa.Column("median_response_minutes", sa.Integer(), nullable=True),
        sa.Column("p90_response_minutes", sa.Integer(), nullable=True),
        sa.Column("breaches", sa.Integer(), nullable=False),
        sa.Column("approved", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("declines", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_league")),
        sa.UniqueConstraint("month", "lender_code", name=op.f("uq_monitoring_league_month")),
    )


def downgrade() -> None:
    op.drop_table("monitoring_league")
