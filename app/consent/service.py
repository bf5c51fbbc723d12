"""Granting and revoking authorizations, and the check every reader of enterprise data passes.

A bank reads an enterprise's data only under an authorization that is active, unexpired and
covers that bank and purpose (SPEC §9). Office staff read for supervision (监管) without one.
Every read by someone other than the enterprise is written to the audit log, which the
enterprise can list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.audit.service import Actor
from app.consent import repository
from app.consent.exceptions import (
    AuthorizationNotActive,
    AuthorizationNotFound,
    ConsentRequired,
    InvalidAuthorization,
)
from app.consent.models import Authorization, ConsentPurpose, ConsentScope
from app.consent.questions import IsMatched
from app.consent.schemas import AuthorizationCreate
from app.core import events
from app.core.clock import city_zone, to_local, utcnow
from app.core.errors import PermissionDenied
from app.enterprises.events import EnterpriseFactsChanged, FactsTrigger
from lenders.institutions import repository as lender_repository

DEFAULT_VALIDITY_DAYS = 365
MAX_VALIDITY_DAYS = 3 * 365  # a grant is renewed, not given for ever
READ_ACTION = "enterprise_data.read"
STAFF_BASIS = {
    Role.OFFICE: "supervision",  # 金融办监管统计
    Role.ADMIN: "administration",
    Role.DATA_OPERATOR: "data_operations",
}


def is_matched(session: Session, *, uscc: str, lender_code: str) -> bool:
    """Whether the bank is matched with the enterprise: asked of the lenders area, which keeps
    the one rule of which banks hold an enterprise (``lenders.leads.holders``)."""
    return events.ask(session, IsMatched(uscc=uscc, lender_code=lender_code))


def grant(session: Session, *, uscc: str, data: AuthorizationCreate, actor: Actor) -> Authorization:
    """Record a new authorization; older ones stay as they are (each can be revoked)."""
    now = utcnow()
    expires_at = _expiry(data.valid_until, now=now)
    for code in data.lender_codes:
        lender = lender_repository.get_by_code(session, code)
        if lender is None:
            raise InvalidAuthorization(f"lender {code!r} does not exist")
        if not lender.is_active:
            raise InvalidAuthorization(f"lender {code!r} is not active")
    row = Authorization(
        uscc=uscc,
        scope=data.scope,
        purpose=data.purpose,
        lender_codes=list(data.lender_codes),
        granted_by=actor.ref,
        granted_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="authorization.granted",
        subject_type="enterprise",
        subject_id=uscc,
        detail={
            "authorization_id": row.id,
            "scope": row.scope.value,
            "lender_codes": row.lender_codes,
            "expires_at": expires_at.isoformat(),
        },
    )
    return row


def _expiry(valid_until: date | None, *, now: datetime) -> datetime:
    """The end of ``valid_until`` in China time, as UTC; one year from now by default."""
    if valid_until is None:
        return now + timedelta(days=DEFAULT_VALIDITY_DAYS)
    today = to_local(now).date()
    if valid_until < today:
        raise InvalidAuthorization(f"valid_until {valid_until} is in the past")
    if valid_until > today + timedelta(days=MAX_VALIDITY_DAYS):
        raise InvalidAuthorization(
            f"valid_until {valid_until} is more than {MAX_VALIDITY_DAYS} days away; "
            "grant again when it ends"
        )
    end = datetime.combine(valid_until + timedelta(days=1), time(0), tzinfo=city_zone())
    return end.astimezone(UTC)


def get(session: Session, *, uscc: str, authorization_id: int) -> Authorization:
    row = repository.get(session, authorization_id)
    if row is None or row.uscc != uscc:
        raise AuthorizationNotFound(f"authorization {authorization_id} does not exist")
    return row


def revoke(
    session: Session, *, uscc: str, authorization_id: int, reason: str | None, actor: Actor
) -> Authorization:
    """Stop a grant now: no new reads or pushes under it. Revoking twice is refused."""
    row = get(session, uscc=uscc, authorization_id=authorization_id)
    now = utcnow()
    if not row.is_active(now):
        state = "revoked" if row.revoked_at is not None else "expired"
        raise AuthorizationNotActive(f"authorization {authorization_id} is already {state}")
    row.revoked_at, row.revoked_by, row.revoke_reason = now, actor.ref, reason
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="authorization.revoked",
        subject_type="enterprise",
        subject_id=uscc,
        detail={"authorization_id": row.id, "reason": reason},
    )
    # Without another grant in force, the enterprise leaves the whitelist now (SPEC §5, §9).
    events.publish(session, EnterpriseFactsChanged(usccs=(uscc,), trigger=FactsTrigger.CONSENT))
    return row


def list_for(
    session: Session, *, uscc: str, offset: int = 0, limit: int = 100
) -> tuple[Sequence[Authorization], int]:
    return repository.page_of(session, uscc=uscc, offset=offset, limit=limit)


def active(
    session: Session,
    *,
    uscc: str,
    purpose: ConsentPurpose = ConsentPurpose.FINANCING,
    now: datetime | None = None,
) -> list[Authorization]:
    """The enterprise's grants in force now for ``purpose``, newest first."""
    return repository.in_force(session, uscc=uscc, purpose=purpose, at=now or utcnow())


def covering(
    session: Session,
    *,
    uscc: str,
    lender_code: str,
    purpose: ConsentPurpose = ConsentPurpose.FINANCING,
) -> Authorization | None:
    """The newest active grant under which this bank may read the enterprise's data."""
    grants = active(session, uscc=uscc, purpose=purpose)
    if not grants:
        return None
    matched = None  # asked only when a grant depends on it
    for row in grants:
        if row.scope is ConsentScope.MATCHED_BANKS and matched is None:
            matched = is_matched(session, uscc=uscc, lender_code=lender_code)
        if row.shares_with(lender_code, matched=bool(matched)):
            return row
    return None


def authorize_read(session: Session, *, uscc: str, reader: Principal, what: str) -> None:
    """Let ``reader`` read the enterprise's ``what`` and write the read down, or refuse.

    The enterprise reads its own data freely. A bank needs a covering grant. Staff read for
    supervision or data operations; their reads are written down all the same.
    """
    if reader.is_enterprise(uscc):
        return
    if reader.role in (Role.LENDER_USER, Role.LENDER_CLIENT):
        lender = lender_repository.get(session, reader.lender_id) if reader.lender_id else None
        if lender is None or not lender.is_active:
            raise ConsentRequired("this account is not bound to an active lender")
        authorize_bank_read(session, uscc=uscc, lender_code=lender.code, reader=reader, what=what)
        return
    basis = STAFF_BASIS.get(reader.role)
    if basis is None:
        raise PermissionDenied("this account may not read another enterprise's data")
    record_read(session, uscc=uscc, reader=reader, what=what, basis=basis)


def authorize_bank_read(
    session: Session, *, uscc: str, lender_code: str, reader: Actor, what: str
) -> Authorization:
    """The grant a bank reads under, with the read written to the audit log; else refused."""
    row = covering(session, uscc=uscc, lender_code=lender_code)
    if row is None:
        raise ConsentRequired(
            f"enterprise {uscc} has not authorized {lender_code} to read its data for financing"
        )
    record_read(
        session,
        uscc=uscc,
        reader=reader,
        what=what,
        basis="authorization",
        authorization_id=row.id,
        lender_code=lender_code,
    )
    return row


def record_read(
    session: Session,
    *,
    uscc: str,
    reader: Actor,
    what: str,
    basis: str,
    authorization_id: int | None = None,
    lender_code: str | None = None,
) -> AuditEvent:
    """One read of the enterprise's data by someone other than itself."""
    return audit.record(
        session,
        actor=reader,
        action=READ_ACTION,
        subject_type="enterprise",
        subject_id=uscc,
        detail={
            "what": what,
            "basis": basis,
            "authorization_id": authorization_id,
            "lender_code": lender_code,
        },
    )


def reads_of(
    session: Session, *, uscc: str, offset: int = 0, limit: int = 100
) -> tuple[Sequence[AuditEvent], int]:
    """Who read the enterprise's data, newest first."""
    return audit.for_subject(
        session,
        subject_type="enterprise",
        subject_id=uscc,
        action=READ_ACTION,
        offset=offset,
        limit=limit,
    )
