"""fund running positions: each bank's covered outstanding and its non-performing part, each
cover's counted figures, and each bank's covered principal per year of disbursement

Revision ID: 151f1f340b87
Revises: a9912192f593
Create Date: 2026-12-04 19:15:14.792910+00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "151f1f340b87"
down_revision: str | None = "a9912192f593"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The figures of the covers and loans already there, by the rule ``lenders/fund/position.py``
# keeps from now on: what is still owed (less recoveries once defaulted) on a covered loan
# whose claim is not written off, non-performing when defaulted or more than 90 days past due.
ON_BOOK = (
    "covered AND loan_id NOT IN (SELECT loan_id FROM fund_claims WHERE status = 'written_off')"
)
OWED = (
    "SELECT CASE WHEN l.status = 'defaulted' THEN l.outstanding_fen - l.recovered_fen "
    "ELSE l.outstanding_fen END FROM loans l WHERE l.id = fund_covers.loan_id"
)
BAD = (
    "SELECT CASE WHEN l.status = 'defaulted' OR l.days_past_due > 90 THEN 1 ELSE 0 END "
    "FROM loans l WHERE l.id = fund_covers.loan_id"
)


def upgrade() -> None:
    op.create_table(
        "fund_cover_years",
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("covered_principal_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "covered_principal_fen >= 0", name=op.f("ck_fund_cover_years_principal_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["lender_code"], ["lenders.code"], name=op.f("fk_fund_cover_years_lender_code_lenders")
        ),
        sa.PrimaryKeyConstraint("lender_code", "year", name=op.f("pk_fund_cover_years")),
    )
    op.create_table(
        "fund_positions",
        sa.Column("lender_code", sa.String(length=32), nullable=False),
        sa.Column("covered_outstanding_fen", sa.BigInteger(), nullable=False),
        sa.Column("non_performing_fen", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "covered_outstanding_fen >= 0", name=op.f("ck_fund_positions_covered_nonnegative")
        ),
        sa.CheckConstraint(
            "non_performing_fen >= 0 AND non_performing_fen <= covered_outstanding_fen",
            name=op.f("ck_fund_positions_non_performing_within_covered"),
        ),
        sa.ForeignKeyConstraint(
            ["lender_code"], ["lenders.code"], name=op.f("fk_fund_positions_lender_code_lenders")
        ),
        sa.PrimaryKeyConstraint("lender_code", name=op.f("pk_fund_positions")),
    )
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owed_fen", sa.BigInteger(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(
            sa.Column("non_performing", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.alter_column("owed_fen", server_default=None)
        batch_op.alter_column("non_performing", server_default=None)
        batch_op.create_check_constraint(op.f("ck_fund_covers_owed_nonnegative"), "owed_fen >= 0")
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fund_claims_lender_approved_on", ["lender_code", "approved_on"], unique=False
        )
    backfill()


def backfill() -> None:
    bind = op.get_bind()
    op.execute(
        f"UPDATE fund_covers SET owed_fen = COALESCE(({OWED}), 0), "  # noqa: S608 - no input
        f"non_performing = (COALESCE(({BAD}), 0) = 1) WHERE {ON_BOOK}"
    )
    now = datetime.now(UTC)
    sums = bind.execute(
        sa.text(
            "SELECT lender_code, SUM(owed_fen), "
            "SUM(CASE WHEN non_performing THEN owed_fen ELSE 0 END) FROM fund_covers "
            "GROUP BY lender_code"
        )
    ).all()
    found = {code: (int(total or 0), int(bad or 0)) for code, total, bad in sums}
    banks = set(found) | set(
        bind.execute(sa.text("SELECT DISTINCT lender_code FROM fund_agreements")).scalars()
    )
    positions = sa.table(
        "fund_positions",
        sa.column("lender_code", sa.String),
        sa.column("covered_outstanding_fen", sa.BigInteger),
        sa.column("non_performing_fen", sa.BigInteger),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    rows = [
        {"lender_code": code, "covered_outstanding_fen": found.get(code, (0, 0))[0]}
        | {"non_performing_fen": found.get(code, (0, 0))[1], "updated_at": now}
        for code in sorted(banks)
    ]
    if rows:
        bind.execute(positions.insert(), rows)
    covers = sa.table(
        "fund_covers",
        sa.column("lender_code", sa.String),
        sa.column("loan_id", sa.Integer),
        sa.column("covered", sa.Boolean),
        sa.column("principal_fen", sa.BigInteger),
    )
    loans = sa.table("loans", sa.column("id", sa.Integer), sa.column("disbursed_on", sa.Date))
    year = sa.extract("year", loans.c.disbursed_on)
    by_year = bind.execute(
        sa.select(covers.c.lender_code, year, sa.func.sum(covers.c.principal_fen))
        .select_from(covers.join(loans, loans.c.id == covers.c.loan_id))
        .where(covers.c.covered.is_(True))
        .group_by(covers.c.lender_code, year)
    ).all()
    years = sa.table(
        "fund_cover_years",
        sa.column("lender_code", sa.String),
        sa.column("year", sa.Integer),
        sa.column("covered_principal_fen", sa.BigInteger),
    )
    if by_year:
        bind.execute(
            years.insert(),
            [
                {"lender_code": code, "year": int(y), "covered_principal_fen": int(total)}
                for code, y, total in by_year
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("fund_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_claims_lender_approved_on")
    with op.batch_alter_table("fund_covers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_fund_covers_owed_nonnegative"), type_="check")
        batch_op.drop_column("non_performing")
        batch_op.drop_column("owed_fen")
    op.drop_table("fund_positions")
    op.drop_table("fund_cover_years")
