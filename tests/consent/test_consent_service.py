"""Authorizations: who they cover, when they end, and the reads they allow and record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from app.accounts import service as account_service
from app.accounts.models import Role
from app.applications import service as application_service
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.consent import service as consent_service
from app.consent.exceptions import (
    AuthorizationNotActive,
    AuthorizationNotFound,
    ConsentRequired,
    InvalidAuthorization,
)
from app.consent.schemas import AuthorizationCreate
from app.core.clock import utcnow
from app.core.errors import PermissionDenied
from tests.factories import (
    make_application,
    make_authorization,
    make_enterprise,
    make_lender,
    make_user,
)

ACTOR = SystemActor("test")


def create(**fields: object) -> AuthorizationCreate:
    return AuthorizationCreate.model_validate(fields)


def revoke(db: Session, uscc: str, authorization_id: int | None, reason: str | None = None) -> None:
    assert authorization_id is not None
    consent_service.revoke(
        db, uscc=uscc, authorization_id=authorization_id, reason=reason, actor=ACTOR
    )


def test_a_grant_lasts_a_year_by_default_and_is_audited(db: Session) -> None:
    firm = make_enterprise(db)
    row = consent_service.grant(db, uscc=firm.uscc, data=create(scope="assessment"), actor=ACTOR)
    assert row.is_active(utcnow())
    assert abs(row.expires_at - (row.granted_at + timedelta(days=365))) < timedelta(seconds=1)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "authorization.granted")).one()
    assert event.subject_id == firm.uscc and event.detail["authorization_id"] == row.id


def test_valid_until_ends_at_midnight_china_time(db: Session) -> None:
    firm = make_enterprise(db)
    until = utcnow().date() + timedelta(days=30)
    row = consent_service.grant(
        db, uscc=firm.uscc, data=create(scope="assessment", valid_until=until), actor=ACTOR
    )
    next_day = until + timedelta(days=1)
    assert row.expires_at == datetime(next_day.year, next_day.month, next_day.day, tzinfo=UTC) - (
        timedelta(hours=8)
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scope": "named_banks"}, "至少选择一家银行"),
        ({"scope": "assessment", "lender_codes": ["x"]}, "只有“共享给指定银行”需要选择银行"),
        ({"scope": "named_banks", "lender_codes": ["a", "a"]}, "不能为空或重复"),
        ({"scope": "everyone"}, "scope"),
        ({"scope": "assessment", "purpose": "marketing"}, "purpose"),
        ({"scope": "assessment", "extra": 1}, "extra"),
    ],
)
def test_malformed_grants_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        create(**fields)


@pytest.mark.parametrize(
    ("until", "message"),
    [(date(2020, 1, 1), "in the past"), (date(2099, 1, 1), "more than")],
)
def test_validity_out_of_range_is_refused(db: Session, until: date, message: str) -> None:
    firm = make_enterprise(db)
    with pytest.raises(InvalidAuthorization, match=message):
        consent_service.grant(
            db, uscc=firm.uscc, data=create(scope="assessment", valid_until=until), actor=ACTOR
        )
    assert consent_service.list_for(db, uscc=firm.uscc)[1] == 0


def test_named_banks_must_exist_and_be_active(db: Session) -> None:
    firm, bank = make_enterprise(db), make_lender(db)
    with pytest.raises(InvalidAuthorization, match="'nobank' does not exist"):
        consent_service.grant(
            db,
            uscc=firm.uscc,
            data=create(scope="named_banks", lender_codes=[bank.code, "nobank"]),
            actor=ACTOR,
        )
    bank.is_active = False
    db.add(bank)
    with pytest.raises(InvalidAuthorization, match="not active"):
        consent_service.grant(
            db,
            uscc=firm.uscc,
            data=create(scope="named_banks", lender_codes=[bank.code]),
            actor=ACTOR,
        )
    assert consent_service.list_for(db, uscc=firm.uscc)[1] == 0


def test_named_banks_cover_exactly_the_named(db: Session) -> None:
    firm, named, other = make_enterprise(db), make_lender(db), make_lender(db)
    row = make_authorization(db, firm.uscc, lender_codes=[named.code])
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=named.code) == row
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=other.code) is None


def test_assessment_covers_no_bank(db: Session) -> None:
    firm, bank = make_enterprise(db), make_lender(db)
    make_authorization(db, firm.uscc, scope="assessment")
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=bank.code) is None
    assert len(consent_service.active(db, uscc=firm.uscc)) == 1


def test_matched_banks_cover_a_bank_while_an_open_application_chose_it(db: Session) -> None:
    firm, chosen, other = make_enterprise(db), make_lender(db), make_lender(db)
    make_authorization(db, firm.uscc, scope="matched_banks")
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=chosen.code) is None
    application = make_application(db, firm, lender_code=chosen.code)
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=chosen.code) is not None
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=other.code) is None
    application_service.withdraw(db, application=application, actor=ACTOR, reason="不需要")
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=chosen.code) is None


def test_revoked_and_expired_grants_cover_nobody(db: Session) -> None:
    firm, bank = make_enterprise(db), make_lender(db)
    row = make_authorization(db, firm.uscc, lender_codes=[bank.code])
    consent_service.revoke(
        db, uscc=firm.uscc, authorization_id=row.id, reason="不再合作", actor=ACTOR
    )
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=bank.code) is None
    with pytest.raises(AuthorizationNotActive, match="already revoked"):
        consent_service.revoke(
            db, uscc=firm.uscc, authorization_id=row.id, reason=None, actor=ACTOR
        )
    old = make_authorization(db, firm.uscc, lender_codes=[bank.code])
    old.expires_at = utcnow() - timedelta(seconds=1)
    db.add(old)
    db.flush()
    assert consent_service.covering(db, uscc=firm.uscc, lender_code=bank.code) is None
    with pytest.raises(AuthorizationNotActive, match="already expired"):
        consent_service.revoke(
            db, uscc=firm.uscc, authorization_id=old.id, reason=None, actor=ACTOR
        )


def test_another_enterprises_grant_is_not_found(db: Session) -> None:
    mine, theirs = make_enterprise(db), make_enterprise(db)
    row = make_authorization(db, theirs.uscc, scope="assessment")
    with pytest.raises(AuthorizationNotFound):
        consent_service.revoke(
            db, uscc=mine.uscc, authorization_id=row.id, reason=None, actor=ACTOR
        )
    assert row.revoked_at is None


def reads(db: Session, uscc: str) -> list[AuditEvent]:
    return list(consent_service.reads_of(db, uscc=uscc)[0])


def test_a_bank_reads_under_its_grant_and_the_read_is_written_down(db: Session) -> None:
    firm, bank = make_enterprise(db), make_lender(db)
    row = make_authorization(db, firm.uscc, lender_codes=[bank.code])
    reader = account_service.principal_for_user(make_user(db, Role.LENDER_USER, lender_id=bank.id))
    consent_service.authorize_read(db, uscc=firm.uscc, reader=reader, what="score")
    [event] = reads(db, firm.uscc)
    assert event.actor == reader.ref and event.detail == {
        "what": "score",
        "basis": "authorization",
        "authorization_id": row.id,
        "lender_code": bank.code,
    }


def test_a_bank_without_a_grant_is_refused_and_nothing_is_written(db: Session) -> None:
    firm, bank = make_enterprise(db), make_lender(db)
    reader = account_service.principal_for_user(make_user(db, Role.LENDER_USER, lender_id=bank.id))
    with pytest.raises(ConsentRequired, match=f"has not authorized {bank.code}"):
        consent_service.authorize_read(db, uscc=firm.uscc, reader=reader, what="score")
    assert reads(db, firm.uscc) == []


def test_staff_reads_are_written_down_with_their_basis(db: Session) -> None:
    firm = make_enterprise(db)
    office = account_service.principal_for_user(make_user(db, Role.OFFICE))
    consent_service.authorize_read(db, uscc=firm.uscc, reader=office, what="profile")
    [event] = reads(db, firm.uscc)
    assert event.detail["basis"] == "supervision" and event.detail["authorization_id"] is None


def test_the_enterprise_reading_itself_leaves_no_entry_and_others_are_refused(db: Session) -> None:
    firm, other = make_enterprise(db), make_enterprise(db)
    own = account_service.principal_for_user(make_user(db, Role.ENTERPRISE, uscc=firm.uscc))
    consent_service.authorize_read(db, uscc=firm.uscc, reader=own, what="score")
    assert reads(db, firm.uscc) == []
    with pytest.raises(PermissionDenied):
        consent_service.authorize_read(db, uscc=other.uscc, reader=own, what="score")
