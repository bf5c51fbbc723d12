"""Rules of financing applications on the enterprise's side: apply, list, read, withdraw."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from app.applications import repository, state
from app.applications.events import ApplicationEnded
from app.applications.exceptions import (
    ApplicationNotFound,
    EnterpriseNotActive,
    LenderInactive,
    UnknownLender,
)
from app.applications.models import (
    ApplicationStatus,
    ApplicationTransition,
    FinancingApplication,
)
from app.applications.schemas import ApplicationCreate, ApplicationFilters
from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import events
from app.enterprises import service as enterprise_service
from app.enterprises.events import EnterpriseFactsChanged, FactsTrigger
from app.enterprises.models import EnterpriseStatus
from lenders.institutions import service as lender_service
from lenders.institutions.exceptions import LenderNotFound

SUBJECT = "application"


def create(
    session: Session, *, uscc: str, data: ApplicationCreate, actor: Actor
) -> FinancingApplication:
    """Submit an enterprise's financing need; a deregistered or revoked enterprise cannot."""
    enterprise = enterprise_service.get(session, code=uscc)
    if enterprise.status is not EnterpriseStatus.ACTIVE:
        raise EnterpriseNotActive(
            f"enterprise {enterprise.uscc} is {enterprise.status.value} (注销/吊销) "
            "and cannot apply for financing",
            enterprise_status=enterprise.status.value,
        )
    if data.lender_code is not None:
        _check_lender(session, code=data.lender_code)
    application = FinancingApplication(
        uscc=enterprise.uscc,
        amount_fen=data.amount_fen,
        term_months=data.term_months,
        purpose=data.purpose,
        product_type=data.product_type,
        lender_code=data.lender_code,
        green=data.green,
        tech=data.tech,
        submitted_by=actor.ref,
    )
    state.submit(session, application=application, actor=actor)
    audit_service.record(
        session,
        actor=actor,
        action="application.submit",
        subject_type=SUBJECT,
        subject_id=application.id or 0,
        detail={
            "uscc": application.uscc,
            "amount_fen": application.amount_fen,
            "term_months": application.term_months,
            "product_type": application.product_type.value,
            "lender_code": application.lender_code,
        },
    )
    return application


def _check_lender(session: Session, *, code: str) -> None:
    try:
        lender = lender_service.get_by_code(session, code=code)
    except LenderNotFound as error:
        raise UnknownLender(f"no lender has the code {code!r}", lender_code=code) from error
    if not lender.is_active:
        raise LenderInactive(f"lender {code!r} is not taking applications", lender_code=code)


def get(session: Session, *, application_id: int) -> FinancingApplication:
    """The application with this id or ApplicationNotFound."""
    application = repository.get(session, application_id)
    if application is None:
        raise ApplicationNotFound(f"application {application_id} does not exist")
    return application


def list_page(
    session: Session, *, filters: ApplicationFilters, offset: int, limit: int
) -> tuple[Sequence[FinancingApplication], int]:
    return repository.page(
        session, uscc=filters.uscc, status=filters.status, offset=offset, limit=limit
    )


def history(session: Session, *, application_id: int) -> Sequence[ApplicationTransition]:
    """Every transition of the application, oldest first."""
    return repository.transitions(session, application_id)


def can_withdraw(application: FinancingApplication) -> bool:
    """Whether the enterprise may still take the application back (no bank has approved it)."""
    return state.can_move(application.status, ApplicationStatus.WITHDRAWN)


def withdraw(
    session: Session, *, application: FinancingApplication, actor: Actor, reason: str | None
) -> FinancingApplication:
    """The enterprise takes its application back, while no bank has approved it yet."""
    state.transition(
        session, application=application, to=ApplicationStatus.WITHDRAWN, actor=actor, reason=reason
    )
    audit_service.record(
        session,
        actor=actor,
        action="application.withdraw",
        subject_type=SUBJECT,
        subject_id=application.id or 0,
        detail={"uscc": application.uscc, "reason": reason},
    )
    assert application.id is not None
    events.publish(
        session,
        ApplicationEnded(
            application_id=application.id, reason="the enterprise withdrew", actor=actor
        ),
    )
    # Without another live need, the enterprise leaves the whitelist now (SPEC §5).
    events.publish(
        session, EnterpriseFactsChanged(usccs=(application.uscc,), trigger=FactsTrigger.WITHDRAWAL)
    )
    return application
