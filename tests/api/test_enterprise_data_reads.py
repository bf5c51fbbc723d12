"""Every route that reads one enterprise's data checks consent and writes down the read (§9)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.consent.service import READ_ACTION
from tests.factories import (
    bearer,
    make_application,
    make_authorization,
    make_enterprise,
    make_lender,
    make_user,
)
from tests.whitelist_fixtures import score

# (method, path template, what the read is recorded as, whether a bank may read it)
READS = [
    ("GET", "/api/v1/enterprises/{uscc}", "profile", True),
    ("GET", "/api/v1/enterprises/{uscc}/score", "score", True),
    ("GET", "/api/v1/enterprises/{uscc}/authorizations", "authorizations", False),
    ("GET", "/api/v1/enterprises/{uscc}/data-access", "data_access_log", False),
    ("GET", "/api/v1/enterprises/{uscc}/whitelist", "whitelist_standing", False),
    ("GET", "/api/v1/applications/{application}", "application", False),
]


def reads(db: Session, uscc: str) -> list[AuditEvent]:
    return list(
        db.exec(
            select(AuditEvent).where(
                AuditEvent.action == READ_ACTION, AuditEvent.subject_id == uscc
            )
        ).all()
    )


@pytest.mark.parametrize(("method", "path", "what", "banks"), READS, ids=[r[1] for r in READS])
def test_each_read_is_checked_and_written_down(
    client: TestClient, db: Session, method: str, path: str, what: str, banks: bool
) -> None:
    firm = make_enterprise(db)
    score(db, firm.uscc, "B", model="m-any")
    application = make_application(db, firm)
    bank, stranger = make_lender(db), make_lender(db)
    make_authorization(db, firm.uscc, lender_codes=[bank.code])
    office = make_user(db, Role.OFFICE)
    banker = make_user(db, Role.LENDER_USER, lender_id=bank.id)
    outsider = make_user(db, Role.LENDER_USER, lender_id=stranger.id)
    owner = make_user(db, Role.ENTERPRISE, uscc=firm.uscc)
    db.commit()
    url = path.format(uscc=firm.uscc, application=application.id)

    assert client.request(method, url, headers=bearer(owner)).status_code == 200
    assert reads(db, firm.uscc) == []  # the enterprise reading itself is not an access

    assert client.request(method, url, headers=bearer(office)).status_code == 200
    [by_office] = reads(db, firm.uscc)
    assert by_office.actor == f"user:{office.id}" and by_office.detail["what"] == what
    assert by_office.detail["basis"] == "supervision"

    refused = client.request(method, url, headers=bearer(outsider))
    assert refused.status_code == 403
    assert len(reads(db, firm.uscc)) == 1  # a refused read is not written as a read

    by_bank = client.request(method, url, headers=bearer(banker))
    if banks:
        assert by_bank.status_code == 200
        newest = reads(db, firm.uscc)[-1]
        assert newest.detail["lender_code"] == bank.code and newest.detail["authorization_id"]
    else:
        assert by_bank.status_code == 403
        assert len(reads(db, firm.uscc)) == 1
