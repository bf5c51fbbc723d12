"""Enterprise self-registration: an inactive account until control of the enterprise is proven.

The USCC and the legal representative's name are public (国家企业信用信息公示系统), so
matching them only starts a registration. The account signs in once a verifier (see
``verification``) is satisfied: the code sent to the registry's contact phone, or a data
operator's approval of the uploaded business licence.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from app.accounts import licences, limits, repository, verification
from app.accounts import service as account_service
from app.accounts.exceptions import (
    AccountLimitReached,
    InvalidLicence,
    RegistrationClosed,
    RegistrationNotFound,
    RegistrationRefused,
    UsernameTaken,
    WrongCode,
)
from app.accounts.models import (
    Notice,
    Registration,
    RegistrationStatus,
    Role,
    User,
    VerificationMethod,
)
from app.accounts.schemas import EnterpriseSignup, UserCreate
from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import security, throttle
from app.core.clock import utcnow
from app.core.config import get_settings
from app.enterprises import repository as enterprise_repository
from app.enterprises import service as enterprise_service
from app.enterprises.models import Enterprise, EnterpriseStatus

log = logging.getLogger(__name__)
TOKEN_PURPOSE = "registration-token"  # noqa: S105 - a digest purpose, not a secret
# One message for every mismatch: it must not say whether the code or the name was wrong.
MANUAL_PENDING_COUNTS_FOR = timedelta(days=7)
REFUSED = "统一社会信用代码与法定代表人不匹配，或该企业不是在册的存续企业"


@dataclass(frozen=True)
class Started:
    """A registration begun: its row, the new inactive user and the registrant's secret."""

    registration: Registration
    user: User
    token: str
    enterprise: Enterprise


class _SelfService:
    def __init__(self, uscc: str) -> None:
        self.ref = f"enterprise:{uscc}"
        self.role = Role.ENTERPRISE.value


def start(session: Session, *, data: EnterpriseSignup) -> Started:
    """Match the public data, then create the inactive account and start the verifier."""
    enterprise = _matching_enterprise(session, data)
    if repository.get_user_by_username(session, data.username) is not None:
        raise UsernameTaken(f"用户名 {data.username} 已被使用")
    _check_cap(session, enterprise.uscc)
    verifier = verification.verifier_for(enterprise)
    actor = _SelfService(enterprise.uscc)
    user = account_service.create_user(
        session,
        data=UserCreate(
            username=data.username,
            display_name=data.display_name,
            password=data.password,
            role=Role.ENTERPRISE,
            uscc=enterprise.uscc,
        ),
        actor=actor,
    )
    user.is_active = False  # no sign-in, no act, until control is proven
    session.add(user)
    token = secrets.token_urlsafe(32)
    assert user.id is not None
    registration = Registration(
        user_id=user.id,
        uscc=enterprise.uscc,
        method=verifier.method,
        token_digest=_token_digest(token),
    )
    session.add(registration)
    session.flush()
    verifier.start(registration=registration, enterprise=enterprise)
    session.add(registration)
    session.flush()
    _tell_existing_users(session, enterprise=enterprise, registration=registration, user=user)
    return Started(registration=registration, user=user, token=token, enterprise=enterprise)


def _matching_enterprise(session: Session, data: EnterpriseSignup) -> Enterprise:
    enterprise = enterprise_repository.get(session, data.uscc.strip().upper())
    # Digest the claim even for an unknown code, so both refusals take the same time.
    claimed = enterprise_service.legal_rep_digest(data.legal_representative)
    if enterprise is None or enterprise.status is not EnterpriseStatus.ACTIVE:
        raise RegistrationRefused(REFUSED)
    if not security.constant_time_equals(claimed, enterprise.legal_rep_digest):
        raise RegistrationRefused(REFUSED)
    return enterprise


def _check_cap(session: Session, uscc: str) -> None:
    """Active accounts and live registrations count against the cap.

    A registration whose code has expired, or a manual one older than a week, no longer
    counts: a stranger cannot fill the cap for good with registrations nobody can finish.
    """
    limit = get_settings().registration.max_accounts
    now = utcnow()
    taken = repository.count_accounts_against_cap(
        session, uscc=uscc, now=now, manual_created_after=now - MANUAL_PENDING_COUNTS_FOR
    )
    if taken >= limit:
        raise AccountLimitReached(
            f"该企业的账号已达上限（{limit} 个）；请由企业现有账号联系平台管理员",
            limit=limit,
        )


def _tell_existing_users(
    session: Session, *, enterprise: Enterprise, registration: Registration, user: User
) -> None:
    """A notice to each of the enterprise's active users, the audit log and a log line."""
    message = (
        f"有人以用户名 {user.username} 申请注册本企业账号"
        f"（验证方式：{_METHOD_NAMES[registration.method]}）。"
        "如非本企业人员，请立即联系平台管理员。"
    )
    colleagues = repository.active_users_of(session, enterprise.uscc)
    for colleague in colleagues:
        assert colleague.id is not None
        session.add(Notice(user_id=colleague.id, kind="registration.requested", message=message))
    audit_service.record(
        session,
        actor=_SelfService(enterprise.uscc),
        action="registration.requested",
        subject_type="enterprise",
        subject_id=enterprise.uscc,
        detail={
            "registration_id": registration.id,
            "username": user.username,
            "method": registration.method.value,
            "notified_users": len(colleagues),
        },
    )
    log.info(
        "enterprise registration requested",
        extra={"registration_id": registration.id, "notified_users": len(colleagues)},
    )


_METHOD_NAMES = {
    VerificationMethod.SMS: "短信验证码",
    VerificationMethod.MANUAL: "人工审核营业执照",
}


def _token_digest(token: str) -> str:
    return security.keyed_digest(token, purpose=TOKEN_PURPOSE)


def for_registrant(session: Session, *, registration_id: int, token: str | None) -> Registration:
    """The registration this secret belongs to; any mismatch is reported as missing."""
    registration = repository.get_registration(session, registration_id)
    if (
        registration is None
        or token is None
        or not security.constant_time_equals(_token_digest(token), registration.token_digest)
    ):
        raise RegistrationNotFound("没有找到该注册申请")
    return registration


def _pending(registration: Registration, method: VerificationMethod) -> None:
    if registration.status is not RegistrationStatus.PENDING:
        raise RegistrationClosed(
            "该注册申请已结束，不能再操作", registration_status=registration.status.value
        )
    if registration.method is not method:
        raise RegistrationClosed(f"该注册申请的验证方式是{_METHOD_NAMES[registration.method]}")


def verify_code(session: Session, *, registration: Registration, code: str) -> User:
    """Activate the account when the code is right; each wrong code uses up one attempt."""
    _pending(registration, VerificationMethod.SMS)
    assert registration.id is not None
    now = utcnow()
    if registration.code_digest is None or (
        registration.code_expires_at is not None and registration.code_expires_at <= now
    ):
        raise WrongCode("验证码已失效，请重新获取")
    registration.code_attempts += 1
    right = security.constant_time_equals(
        verification.code_digest(registration.id, code.strip()), registration.code_digest
    )
    if not right:
        if registration.code_attempts >= get_settings().registration.code_attempts:
            registration.status = RegistrationStatus.LOCKED
            registration.code_digest = None
        session.add(registration)
        session.flush()
        raise WrongCode("验证码错误", attempts_left=_attempts_left(registration))
    registration.code_digest = None  # single use
    return _activate(session, registration=registration, actor=_SelfService(registration.uscc))


def _attempts_left(registration: Registration) -> int:
    if registration.status is not RegistrationStatus.PENDING:
        return 0
    return max(0, get_settings().registration.code_attempts - registration.code_attempts)


def resend_code(session: Session, *, registration: Registration) -> Registration:
    """A new code to the same registry phone; the earlier one stops working."""
    _pending(registration, VerificationMethod.SMS)
    enterprise = enterprise_service.get(session, code=registration.uscc)
    if not enterprise.contact_phone:
        raise RegistrationClosed("该企业在册信息中已没有联系电话，请改用人工审核")
    verification.send_code(
        registration=registration, phone=enterprise.contact_phone, sender=verification.sms_sender()
    )
    session.add(registration)
    session.flush()
    return registration


def attach_licence(session: Session, *, registration: Registration, content: bytes) -> Registration:
    """Keep the uploaded business licence for the operator; a new upload replaces the old."""
    _pending(registration, VerificationMethod.MANUAL)
    assert registration.id is not None
    relative, media_type = licences.store(registration_id=registration.id, content=content)
    licences.remove(registration.licence_path)
    registration.licence_path = relative
    registration.licence_type = media_type
    registration.licence_bytes = len(content)
    session.add(registration)
    session.flush()
    return registration


def get(session: Session, *, registration_id: int) -> Registration:
    """A registration for staff, or RegistrationNotFound."""
    registration = repository.get_registration(session, registration_id)
    if registration is None:
        raise RegistrationNotFound("没有找到该注册申请")
    return registration


def page(
    session: Session, *, status: RegistrationStatus | None, offset: int, limit: int
) -> tuple[Sequence[Registration], int]:
    """Registrations for the operators' list, newest first."""
    return repository.registration_page(session, status=status, offset=offset, limit=limit)


def decide(
    session: Session, *, registration_id: int, approve: bool, note: str, actor: Actor
) -> Registration:
    """An operator approves (the account becomes active) or rejects a manual registration."""
    registration = get(session, registration_id=registration_id)
    _pending(registration, VerificationMethod.MANUAL)
    if approve and registration.licence_path is None:
        raise InvalidLicence("尚未上传营业执照，不能批准")
    registration.decided_by = actor.ref
    registration.decided_at = utcnow()
    registration.decision_note = note
    if approve:
        _activate(session, registration=registration, actor=actor)
    else:
        registration.status = RegistrationStatus.REJECTED
        session.add(registration)
        session.flush()
        audit_service.record(
            session,
            actor=actor,
            action="registration.rejected",
            subject_type="registration",
            subject_id=registration.id or 0,
            detail={"uscc": registration.uscc, "note": note},
        )
    return registration


def _activate(session: Session, *, registration: Registration, actor: Actor) -> User:
    user = repository.get_user(session, registration.user_id)
    assert user is not None
    registration.status = RegistrationStatus.VERIFIED
    user.is_active = True
    session.add_all([registration, user])
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="registration.verified",
        subject_type="registration",
        subject_id=registration.id or 0,
        detail={"uscc": registration.uscc, "user_id": user.id, "method": registration.method.value},
    )
    return user


def notices_for(session: Session, *, user_id: int, limit: int = 50) -> Sequence[Notice]:
    """A user's notices, newest first."""
    return repository.notices_of(session, user_id=user_id, limit=limit)


# The throttles the API and the pages share, per address and per enterprise or registration.
def start_throttled(session: Session, *, data: EnterpriseSignup, address: str) -> Started:
    """``start``, every attempt counted per address and per enterprise code."""
    guards = limits.registration_guards(uscc=data.uscc, address=address)
    with throttle.counting_failures(session, guards=guards, count_always=True):
        return start(session, data=data)


def verify_throttled(
    session: Session, *, registration_id: int, token: str | None, code: str, address: str
) -> User:
    """``verify_code`` for the registrant holding ``token``; a wrong code uses up an attempt."""
    guards = limits.code_guards(registration_id=registration_id, address=address)
    # A wrong code is kept (its attempt counts) although the request answers with an error.
    with throttle.counting_failures(session, guards=guards, keep_work_on_failure=True):
        registration = for_registrant(session, registration_id=registration_id, token=token)
        return verify_code(session, registration=registration, code=code)


def resend_throttled(session: Session, *, registration_id: int, token: str | None) -> Registration:
    """``resend_code`` for the registrant holding ``token``, a few times an hour."""
    registration = for_registrant(session, registration_id=registration_id, token=token)
    guards = limits.resend_guards(registration_id=registration_id)
    with throttle.counting_failures(session, guards=guards, count_always=True):
        return resend_code(session, registration=registration)
