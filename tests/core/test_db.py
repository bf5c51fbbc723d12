from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.ops.models import ProbeRun


def test_times_come_back_aware_utc(db: Session) -> None:
    shanghai = timezone(timedelta(hours=8))
    run = ProbeRun(probe_id="t", pid=1, finished_at=datetime(2026, 1, 1, 8, 0, tzinfo=shanghai))
    db.add(run)
    db.flush()
    db.expire_all()
    stored = db.get(ProbeRun, run.id)
    assert stored is not None
    assert stored.finished_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert stored.finished_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(db: Session) -> None:
    db.add(ProbeRun(probe_id="t", pid=1, finished_at=datetime(2026, 1, 1)))  # noqa: DTZ001
    with pytest.raises(Exception, match="naive"):
        db.flush()


def test_foreign_keys_are_enforced(db: Session) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        db.execute(
            text(
                "INSERT INTO api_keys (lender_id, name, prefix, digest, created_by, created_at) "
                "VALUES (999999, 'k', 'p', 'd', 'x', CURRENT_TIMESTAMP)"
            )
        )
        db.flush()
