"""fund money rules: premiums and their match, payout caps, five-tier class on claims, late
recoveries

Revision ID: 539454b2b857
Revises: 5b0f3c9e2a71
Create Date: 2026-12-03 12:57:09.473116+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "539454b2b857"
down_revision: str | None = "5b0f3c9e2a71"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows that exist already get what the models' defaults give new ones; the server defaults
# are dropped again so that the application stays the one place defaults are written.
BACKFILLED = {
    "fund_agreements": [("claimable_from", sa.String(length=32), "substandard")],
    "fund_claims": [
        ("days_past_due", sa.Integer(), "0"),
        ("risk_class", sa.String(length=32), "substandard"),  # defaulted: at least 次级
        ("late_recoveries", sa.Integer(), "0"),
    ],
    "fund_covers": [
        ("premium_fen", sa.BigInteger(), "0"),
        ("premium_match_fen", sa.BigInteger(), "0"),
    ],
}


def upgrade() -> None:
    with op.batch_alter_table("fund_agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("premium_match_bp", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("payout_premium_multiple", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recovery_notice_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_bound", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("approved_on", sa.Date(), nullable=True))
    for table, columns in BACKFILLED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, kind, value in columns:
                batch_op.add_column(
                    sa.Column(name, kind, nullable=False, server_default=sa.text(f"'{value}'"))
                )
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _, _ in columns:
                batch_op.alter_column(name, server_default=None)
    # Claims approved before this revision have no approval day: the city's day they were
    # last changed is the closest the database knows (Asia/Shanghai has no summer time).
    city_day = (
        "date(updated_at, '+8 hours')"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(updated_at AT TIME ZONE 'Asia/Shanghai' AS DATE)"
    )
    op.execute(
        f"UPDATE fund_claims SET approved_on = {city_day} "  # noqa: S608 - no input in it
        "WHERE status IN ('approved', 'paid', 'written_off')"
    )
    with op.batch_alter_table("fund_agreements", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_fund_agreements_match_needs_premium"),
            "premium_match_bp IS NULL OR premium_rate_bp IS NOT NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_fund_agreements_premium_multiple_positive"),
            "payout_premium_multiple IS NULL OR payout_premium_multiple >= 1",
        )
        batch_op.create_check_constraint(
            op.f("ck_fund_agreements_recovery_notice_positive"),
            "recovery_notice_days IS NULL OR recovery_notice_days >= 1",
        )
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_fund_claims_days_past_due_nonnegative"), "days_past_due >= 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_fund_claims_late_recoveries_nonnegative"), "late_recoveries >= 0"
        )
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_fund_covers_premiums_nonnegative"),
            "premium_fen >= 0 AND premium_match_fen >= 0",
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_fund_covers_premiums_nonnegative"), type_="check")
        batch_op.drop_column("premium_match_fen")
        batch_op.drop_column("premium_fen")
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_fund_claims_late_recoveries_nonnegative"), type_="check")
        batch_op.drop_constraint(op.f("ck_fund_claims_days_past_due_nonnegative"), type_="check")
        batch_op.drop_column("approved_on")
        batch_op.drop_column("late_recoveries")
        batch_op.drop_column("risk_class")
        batch_op.drop_column("days_past_due")
        batch_op.drop_column("amount_bound")
    with op.batch_alter_table("fund_agreements", schema=None) as batch_op:
        for name in (
            "recovery_notice_positive",
            "premium_multiple_positive",
            "match_needs_premium",
        ):
            batch_op.drop_constraint(op.f(f"ck_fund_agreements_{name}"), type_="check")
        batch_op.drop_column("recovery_notice_days")
        batch_op.drop_column("claimable_from")
        batch_op.drop_column("payout_premium_multiple")
        batch_op.drop_column("premium_match_bp")
