"""The enterprise's side: apply, list, withdraw; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.applications import service as application_service
from app.applications import state
from app.applications.exceptions import (
    EnterpriseNotActive,
    IllegalTransition,
    LenderInactive,
    UnknownLender,
)
from app.applications.models import ApplicationStatus, ApplicationTransition, FinancingApplication
from app.applications.schemas import ApplicationCreate, ApplicationFilters
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.errors import ErrorKind
from app.enterprises.exceptions import EnterpriseNotFound
from tests.factories import application_fields, make_application, make_enterprise, make_lender

FIRM = SystemActor("user:7")


def data(**overrides: Any) -> ApplicationCreate:
    return ApplicationCreate.model_validate(application_fields(**overrides))


def counts(db: Session) -> list[int]:
    """Applications, transitions and audit events: what a refusal must leave alone."""
    return [
        db.exec(select(func.count()).select_from(model)).one()
        for model in (FinancingApplication, ApplicationTransition, AuditEvent)
    ]


def test_apply_stores_fen_records_submission_and_audits(db: Session) -> None:
    firm, bank = make_enterprise(db), make_lender(db)
    application = application_service.create(
        db,
        uscc=firm.uscc,
        data=data(amount_yuan="1234567.89", lender_code=bank.code, green=True),
        actor=FIRM,
    )
    db.expire_all()
    stored = db.get(FinancingApplication, application.id)
    assert stored is not None
    assert (stored.uscc, stored.amount_fen, stored.term_months) == (firm.uscc, 123_456_789, 12)
    assert (stored.lender_code, stored.green, stored.tech) == (bank.code, True, True)
    assert stored.status is ApplicationStatus.SUBMITTED and stored.submitted_by == "user:7"
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "application.submit")).all()
    assert event.subject_id == str(application.id) and event.actor == "user:7"
    assert event.detail["amount_fen"] == 123_456_789 and event.detail["uscc"] == firm.uscc


@pytest.mark.parametrize("status", ["deregistered", "revoked"])
def test_a_deregistered_or_revoked_enterprise_cannot_apply(db: Session, status: str) -> None:
    firm = make_enterprise(db, status=status)
    before = counts(db)
    with pytest.raises(EnterpriseNotActive) as raised:
        application_service.create(db, uscc=firm.uscc, data=data(), actor=FIRM)
    assert raised.value.code == "enterprise_not_active" and raised.value.kind is ErrorKind.CONFLICT
    assert raised.value.extra["enterprise_status"] == status
    assert counts(db) == before


def test_an_unknown_enterprise_cannot_apply(db: Session) -> None:
    before = counts(db)
    with pytest.raises(EnterpriseNotFound):
        application_service.create(db, uscc="91330502000000000X", data=data(), actor=FIRM)
    assert counts(db) == before


def test_the_chosen_bank_must_exist(db: Session) -> None:
    firm = make_enterprise(db)
    before = counts(db)
    with pytest.raises(UnknownLender) as raised:
        application_service.create(
            db, uscc=firm.uscc, data=data(lender_code="no-such-bank"), actor=FIRM
        )
    assert raised.value.code == "unknown_lender" and raised.value.kind is ErrorKind.INVALID_INPUT
    assert counts(db) == before


def test_the_chosen_bank_must_be_active(db: Session) -> None:
    firm, bank = make_enterprise(db), make_lender(db)
    bank.is_active = False
    db.add(bank)
    db.flush()
    before = counts(db)
    with pytest.raises(LenderInactive) as raised:
        application_service.create(db, uscc=firm.uscc, data=data(lender_code=bank.code), actor=FIRM)
    assert raised.value.code == "lender_inactive"
    assert counts(db) == before


def test_list_is_newest_first_and_filtered(db: Session) -> None:
    firm_1, firm_2 = make_enterprise(db), make_enterprise(db)
    first, second = make_application(db, firm_1), make_application(db, firm_1)
    other = make_application(db, firm_2)
    state.transition(db, application=second, to=ApplicationStatus.WITHDRAWN, actor=FIRM)

    def ids(**filters: Any) -> tuple[list[int | None], int]:
        rows, total = application_service.list_page(
            db, filters=ApplicationFilters(**filters), offset=0, limit=50
        )
        return [r.id for r in rows], total

    assert ids(uscc=firm_1.uscc) == ([second.id, first.id], 2)
    assert ids(uscc=firm_1.uscc, status="submitted") == ([first.id], 1)
    everyone, total = ids()
    assert {first.id, second.id, other.id} <= set(everyone) and total >= 3


def test_withdraw_records_reason_and_audits(db: Session) -> None:
    application = make_application(db, make_enterprise(db))
    application_service.withdraw(db, application=application, actor=FIRM, reason="资金已到位")
    assert application.status is ApplicationStatus.WITHDRAWN
    history = application_service.history(db, application_id=application.id or 0)
    assert [(t.from_status, t.to_status, t.reason) for t in history] == [
        (None, ApplicationStatus.SUBMITTED, None),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN, "资金已到位"),
    ]
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "application.withdraw")).all()
    assert event.detail == {"uscc": application.uscc, "reason": "资金已到位"}


@pytest.mark.parametrize(
    "status",
    [
        ApplicationStatus.APPROVED,
        ApplicationStatus.DISBURSED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.EXPIRED,
    ],
)
def test_withdraw_after_approval_or_an_end_is_refused(
    db: Session, status: ApplicationStatus
) -> None:
    application = make_application(db, make_enterprise(db))
    application.status = status
    db.add(application)
    db.flush()
    before = counts(db)
    with pytest.raises(IllegalTransition):
        application_service.withdraw(db, application=application, actor=FIRM, reason=None)
    assert counts(db) == before  # no transition and no audit event either
    assert application.status is status
