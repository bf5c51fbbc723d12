"""audit log refuses REPLACE on SQLite

SQLite's REPLACE (INSERT OR REPLACE, REPLACE INTO) resolves a clash on the id by deleting the
old row without firing its delete trigger (unless recursive_triggers is on for the connection,
which no other client would set), so the append-only audit log could be rewritten row by row.
A BEFORE INSERT trigger refuses any insert whose id already exists, whatever the connection.
PostgreSQL needs nothing new: its row triggers already fire for UPDATE, DELETE and the update
of an upsert (ON CONFLICT DO UPDATE), and its statement trigger for TRUNCATE.

Revision ID: 82a3cb24a854
Revises: b1d2e3f4a5c6
Create Date: 2026-12-01 20:05:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "82a3cb24a854"
down_revision: str | None = "b1d2e3f4a5c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
        "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER audit_events_no_replace")
