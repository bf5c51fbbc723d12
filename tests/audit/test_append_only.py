import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import SystemActor


def test_audit_rows_cannot_be_changed_or_deleted(db: Session) -> None:
    event = audit_service.record(
        db, actor=SystemActor("test"), action="thing.done", subject_type="thing", subject_id=1
    )
    db.commit()
    with pytest.raises(Exception, match="append-only"), db.begin_nested():
        db.execute(
            text("UPDATE audit_events SET action = 'forged' WHERE id = :id"), {"id": event.id}
        )
    with pytest.raises(Exception, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": event.id})
    rows, total = audit_service.for_subject(db, subject_type="thing", subject_id="1")
    assert total == 1 and rows[0].action == "thing.done"
