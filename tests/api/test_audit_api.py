"""GET /api/v1/audit-events: the audit log for administrators, filtered as on its page."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.audit.models import AuditEvent
from tests.factories import bearer, make_user


def test_admin_reads_the_log_filtered_and_others_are_refused(
    client: TestClient, db: Session
) -> None:
    admin = bearer(make_user(db, Role.ADMIN))
    for actor, action, day in (("user:1", "user.update", 1), ("user:2", "lender.create", 3)):
        db.add(
            AuditEvent(actor=actor, actor_role="admin", action=action, subject_type="user",
                       subject_id="5", at=datetime(2026, 12, day, 4, tzinfo=UTC))
        )  # fmt: skip
    db.commit()
    get = lambda **q: client.get("/api/v1/audit-events", params=q, headers=admin)  # noqa: E731
    assert [e["action"] for e in get(actor="user:1").json()["data"]] == ["user.update"]
    assert [e["actor"] for e in get(action="lender.").json()["data"]] == ["user:2"]
    assert get(since="2026-12-02", until="2026-12-03").json()["count"] == 1
    reversed_range = get(since="2026-12-03", until="2026-12-01")
    assert reversed_range.status_code == 422 and reversed_range.json()["code"] == "invalid_input"
    assert get(actor="a\x00").status_code == 422
    assert get(action="%").json()["count"] == 0
    office = bearer(make_user(db, Role.OFFICE))
    assert client.get("/api/v1/audit-events", headers=office).status_code == 403
