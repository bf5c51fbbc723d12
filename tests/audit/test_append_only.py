"""No way of changing an audit row works, on either database: the triggers refuse each one."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.audit.service import SystemActor

# A forged row that reuses an existing id, in each form a statement may take.
INSERT = (
    "INSERT INTO audit_events (id, at, actor, actor_role, action, subject_type, subject_id,"
    " detail) VALUES (:id, :at, 'forger', 'system', 'forged', 'thing', '1', '{}')"
)
REPLACE = (
    "REPLACE INTO audit_events (id, at, actor, actor_role, action, subject_type, subject_id,"
    " detail) VALUES (:id, :at, 'forger', 'system', 'forged', 'thing', '1', '{}')"
)
INSERT_OR_REPLACE = (
    "INSERT OR REPLACE INTO audit_events (id, at, actor, actor_role, action, subject_type,"
    " subject_id, detail) VALUES (:id, :at, 'forger', 'system', 'forged', 'thing', '1', '{}')"
)
UPSERT = (
    "INSERT INTO audit_events (id, at, actor, actor_role, action, subject_type, subject_id,"
    " detail) VALUES (:id, :at, 'forger', 'system', 'forged', 'thing', '1', '{}')"
    " ON CONFLICT (id) DO UPDATE SET action = excluded.action"
)
UPSERT_ALL = (  # PostgreSQL's REPLACE: every column of the old row overwritten
    "INSERT INTO audit_events (id, at, actor, actor_role, action, subject_type, subject_id,"
    " detail) VALUES (:id, :at, 'forger', 'system', 'forged', 'thing', '1', '{}')"
    " ON CONFLICT (id) DO UPDATE SET at = excluded.at, actor = excluded.actor,"
    " actor_role = excluded.actor_role, action = excluded.action,"
    " subject_type = excluded.subject_type, subject_id = excluded.subject_id,"
    " detail = excluded.detail"
)
# Each way in SQLite's words and PostgreSQL's; where one lacks the statement, its nearest kin.
WAYS = {
    "update": ("UPDATE audit_events SET action = 'forged' WHERE id = :id",) * 2,
    "update_or_replace": (
        "UPDATE OR REPLACE audit_events SET action = 'forged' WHERE id = :id",
        "UPDATE audit_events SET id = id WHERE id = :id",
    ),
    "delete": ("DELETE FROM audit_events WHERE id = :id",) * 2,
    "replace": (REPLACE, UPSERT_ALL),
    "insert_or_replace": (INSERT_OR_REPLACE, UPSERT_ALL),
    "upsert": (UPSERT, UPSERT),
    # SQLite has no TRUNCATE: an unqualified DELETE is its truncate optimisation
    "truncate": ("DELETE FROM audit_events", "TRUNCATE audit_events"),
    "truncate_cascade": ("DELETE FROM audit_events", "TRUNCATE audit_events CASCADE"),
}


@pytest.fixture
def event(db: Session) -> AuditEvent:
    made = audit_service.record(
        db, actor=SystemActor("test"), action="thing.done", subject_type="thing", subject_id=1
    )
    db.commit()
    return made


@pytest.mark.parametrize("way", WAYS)
def test_every_way_of_changing_an_audit_row_is_refused(
    db: Session, event: AuditEvent, way: str
) -> None:
    sqlite, postgresql = WAYS[way]
    statement = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    with pytest.raises(Exception, match="append-only"), db.begin_nested():
        db.execute(text(statement), {"id": event.id, "at": event.at})

    db.expire_all()
    rows, total = audit_service.for_subject(db, subject_type="thing", subject_id="1")
    assert total == 1 and rows[0].action == "thing.done" and rows[0].actor == "test"


def test_new_rows_are_still_appended(db: Session, event: AuditEvent) -> None:
    db.execute(
        text(INSERT),
        {"id": (event.id or 0) + 1000, "at": event.at},
    )
    _, total = audit_service.for_subject(db, subject_type="thing", subject_id="1")
    assert total == 2
