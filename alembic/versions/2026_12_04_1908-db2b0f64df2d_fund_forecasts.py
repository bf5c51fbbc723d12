"""fund forecasts: the run-out forecast's runs (when, why, parameters, inputs) and months

Revision ID: db2b0f64df2d
Revises: 151f1f340b87
Create Date: 2026-12-04 19:08:42.835683+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "db2b0f64df2d"
down_revision: str | None = "151f1f340b87"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fund_forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("score_run_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("paths", sa.Integer(), nullable=False),
        sa.Column("horizon_months", sa.Integer(), nullable=False),
        sa.Column("lgd_bp", sa.Integer(), nullable=False),
        sa.Column("unscored_pd_bp", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("loans", sa.Integer(), nullable=False),
        sa.Column("scored_loans", sa.Integer(), nullable=False),
        sa.Column("defaulted_loans", sa.Integer(), nullable=False),
        sa.Column("covered_outstanding_fen", sa.BigInteger(), nullable=False),
        sa.Column("capital_fen", sa.BigInteger(), nullable=False),
        sa.Column("mean_pd_bp", sa.Integer(), nullable=False),
        sa.Column("by_lender", sa.JSON(), nullable=False),
        sa.Column("expected_total_fen", sa.BigInteger(), nullable=False),
        sa.Column("runout_probability_bp", sa.Integer(), nullable=False),
        sa.Column("median_runout_month", sa.Integer(), nullable=True),
        sa.Column("runout_month", sa.Date(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "lgd_bp > 0 AND lgd_bp <= 10000", name=op.f("ck_fund_forecasts_lgd_within_whole")
        ),
        sa.CheckConstraint(
            "paths >= 1 AND horizon_months >= 1", name=op.f("ck_fund_forecasts_sizes_positive")
        ),
        sa.CheckConstraint(
            "runout_probability_bp >= 0 AND runout_probability_bp <= 10000",
            name=op.f("ck_fund_forecasts_probability_within_whole"),
        ),
        sa.ForeignKeyConstraint(
            ["score_run_id"],
            ["score_runs.id"],
            name=op.f("fk_fund_forecasts_score_run_id_score_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_forecasts")),
    )
    with op.batch_alter_table("fund_forecasts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_forecasts_score_run_id"), ["score_run_id"], unique=False
        )

    op.create_table(
        "fund_forecast_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forecast_id", sa.Integer(), nullable=False),
        sa.Column("month_index", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("expected_payout_fen", sa.BigInteger(), nullable=False),
        sa.Column("payout_p5_fen", sa.BigInteger(), nullable=False),
        sa.Column("payout_p95_fen", sa.BigInteger(), nullable=False),
        sa.Column("expected_cumulative_fen", sa.BigInteger(), nullable=False),
        sa.Column("cumulative_p5_fen", sa.BigInteger(), nullable=False),
        sa.Column("cumulative_p95_fen", sa.BigInteger(), nullable=False),
        sa.Column("expected_remaining_fen", sa.BigInteger(), nullable=False),
        sa.Column("runout_probability_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["forecast_id"],
            ["fund_forecasts.id"],
            name=op.f("fk_fund_forecast_months_forecast_id_fund_forecasts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_forecast_months")),
        sa.UniqueConstraint(
            "forecast_id", "month_index", name=op.f("uq_fund_forecast_months_forecast_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("fund_forecast_months")
    with op.batch_alter_table("fund_forecasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_forecasts_score_run_id"))

    op.drop_table("fund_forecasts")
