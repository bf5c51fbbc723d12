"""How an enterprise proves control at registration: a pluggable verifier and the SMS senders.

The verifier is chosen by ``XYD_REGISTRATION_VERIFIER``: ``sms`` sends a one-time code to
the contact phone the registry holds (a stranger with the public USCC and legal
representative's name cannot read it); ``manual`` waits for a data operator to approve the
uploaded business licence (营业执照). An enterprise without a contact phone on file falls
back to manual approval. New channels (电子营业执照, 法人实名) implement ``Verifier``.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Protocol

from app.accounts.exceptions import RegistrationMisconfigured
from app.accounts.models import Registration, VerificationMethod
from app.core.clock import utcnow
from app.core.config import get_settings
from app.core.security import keyed_digest
from app.enterprises.models import Enterprise, mask_phone

log = logging.getLogger(__name__)
CODE_PURPOSE = "registration-code"
CODE_DIGITS = 6


class SmsSender(Protocol):
    """Delivers a text message to a phone number."""

    def send(self, *, phone: str, text: str) -> None: ...


class LogSmsSender:
    """Development and tests only: the message goes to the log instead of a phone."""

    def send(self, *, phone: str, text: str) -> None:
        log.warning("development SMS to %s: %s", mask_phone(phone), text)


class Verifier(Protocol):
    """Starts a registration's proof of control; the proof itself arrives by another route."""

    method: VerificationMethod

    def start(self, *, registration: Registration, enterprise: Enterprise) -> None: ...


class ManualVerifier:
    """An operator approves the registration after checking the uploaded business licence."""

    method = VerificationMethod.MANUAL

    def start(self, *, registration: Registration, enterprise: Enterprise) -> None:
        registration.method = self.method


class SmsCodeVerifier:
    """A six-digit code to the registry's contact phone: hashed at rest, single use, expiring."""

    method = VerificationMethod.SMS

    def __init__(self, sender: SmsSender) -> None:
        self.sender = sender

    def start(self, *, registration: Registration, enterprise: Enterprise) -> None:
        assert enterprise.contact_phone is not None
        registration.method = self.method
        send_code(registration=registration, phone=enterprise.contact_phone, sender=self.sender)


def code_digest(registration_id: int, code: str) -> str:
    """The stored form of a code, keyed and bound to its registration."""
    return keyed_digest(f"{registration_id}:{code}", purpose=CODE_PURPOSE)


def send_code(*, registration: Registration, phone: str, sender: SmsSender) -> None:
    """A fresh code replaces any earlier one; its attempts start again."""
    assert registration.id is not None
    settings = get_settings()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    registration.code_digest = code_digest(registration.id, code)
    lifetime = timedelta(minutes=settings.registration.code_minutes)
    registration.code_expires_at = utcnow() + lifetime
    registration.code_attempts = 0
    registration.codes_sent += 1
    sender.send(
        phone=phone,
        text=f"【信易贷】企业账号注册验证码 {code}，"
        f"{settings.registration.code_minutes} 分钟内有效。如非本企业操作，请忽略并联系平台。",
    )


def sms_sender() -> SmsSender:
    """The configured sender; the log sender is refused outside development and tests."""
    settings = get_settings()
    if settings.registration.sms_backend == "log" and not settings.is_development:
        raise RegistrationMisconfigured(
            "短信验证未配置：生产环境不能使用日志短信通道，请联系平台管理员",
        )
    return LogSmsSender()


def verifier_for(enterprise: Enterprise) -> Verifier:
    """The configured verifier, or manual approval when the registry holds no phone."""
    if get_settings().registration.verifier == "sms" and enterprise.contact_phone:
        return SmsCodeVerifier(sms_sender())
    return ManualVerifier()
