"""monitoring incremental refresh: each refresh's watermark and months, the enterprises' cuts
it saw, and indexes to read the platform's rows by month and by when they were written

Revision ID: c41e7d02b9a6
Revises: db2b0f64df2d
Create Date: 2026-12-04 19:45:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c41e7d02b9a6"
down_revision: str | None = "db2b0f64df2d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_loans_updated_at", "loans", ["updated_at"]),
    ("ix_loan_repayments_created_at", "loan_repayments", ["created_at"]),
    ("ix_loan_repayments_period", "loan_repayments", ["period"]),
    ("ix_applications_created_at", "applications", ["created_at"]),
    ("ix_leads_offered_at", "leads", ["offered_at"]),
    ("ix_lead_transitions_at", "lead_transitions", ["at"]),
    ("ix_lead_deadlines_started_at", "lead_deadlines", ["started_at"]),
    ("ix_lead_deadlines_ended_at", "lead_deadlines", ["ended_at"]),
    ("ix_whitelist_changes_at", "whitelist_changes", ["at"]),
]


def upgrade() -> None:
    with op.batch_alter_table("monitoring_refreshes") as batch:
        batch.add_column(sa.Column("full", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("since_month", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("read_from", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "monitoring_enterprise_cuts",
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("district", sa.String(length=6), nullable=False),
        sa.Column("industry_section", sa.String(length=1), nullable=False),
        sa.PrimaryKeyConstraint("uscc", name=op.f("pk_monitoring_enterprise_cuts")),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("monitoring_enterprise_cuts")
    with op.batch_alter_table("monitoring_refreshes") as batch:
        batch.drop_column("read_from")
        batch.drop_column("since_month")
        batch.drop_column("full")
