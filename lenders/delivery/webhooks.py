"""A bank's webhook settings: its URL and its signing secrets, with rotation (SPEC §6, §9)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.config import get_settings
from lenders.delivery import crypto, repository
from lenders.delivery.exceptions import (
    TooManyWebhookSecrets,
    WebhookSecretNotActive,
    WebhookSecretNotFound,
)
from lenders.delivery.models import WebhookEndpoint, WebhookSecret
from lenders.delivery.signing import generate_secret
from lenders.delivery.urls import check_webhook_url

MAX_ACTIVE_SECRETS = 2
SUBJECT = "webhook"


def get_endpoint(session: Session, *, lender_id: int) -> WebhookEndpoint | None:
    """The bank's webhook endpoint, if it ever set one."""
    return repository.endpoint(session, lender_id)


def set_url(session: Session, *, lender_id: int, url: str | None, actor: Actor) -> WebhookEndpoint:
    """Set (or with None clear) the bank's webhook URL, checked by the environment's rules."""
    checked = (
        check_webhook_url(url, production=get_settings().is_production_like)
        if url is not None
        else None
    )
    endpoint = repository.endpoint(session, lender_id)
    before = endpoint.url if endpoint else None
    if endpoint is None:
        endpoint = WebhookEndpoint(lender_id=lender_id, url=checked, updated_by=actor.ref)
    elif before == checked:
        return endpoint  # nothing changed, nothing to record
    endpoint.url, endpoint.updated_by, endpoint.updated_at = checked, actor.ref, utcnow()
    session.add(endpoint)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="webhook.set_url",
        subject_type=SUBJECT,
        subject_id=lender_id,
        detail={"from": before, "to": checked},
    )
    return endpoint


def list_secrets(session: Session, *, lender_id: int) -> Sequence[WebhookSecret]:
    return repository.secrets_of(session, lender_id)


def create_secret(
    session: Session, *, lender_id: int, actor: Actor, now: datetime | None = None
) -> tuple[WebhookSecret, str]:
    """A new secret, returned in clear this once; the older active one enters its grace period.

    At most two are active: with two, the bank retires one first (409 otherwise).
    """
    now = now or utcnow()
    active = [
        s for s in repository.secrets_of(session, lender_id, for_update=True) if s.is_active(now)
    ]
    if len(active) >= MAX_ACTIVE_SECRETS:
        raise TooManyWebhookSecrets(
            f"this bank already has {len(active)} active webhook secrets; "
            "retire one before creating another",
            active=[s.id for s in active],
        )
    grace = timedelta(days=get_settings().delivery.webhook_secret_grace_days)
    for older in active:
        if older.expires_at is None or older.expires_at > now + grace:
            older.expires_at = now + grace
            session.add(older)
    value = generate_secret()
    secret = WebhookSecret(
        lender_id=lender_id,
        sealed=crypto.seal(value, lender_id=lender_id),
        created_by=actor.ref,
        created_at=now,
    )
    session.add(secret)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="webhook.secret_create",
        subject_type=SUBJECT,
        subject_id=lender_id,
        detail={"secret_id": secret.id, "older_expire_at": [str(s.expires_at) for s in active]},
    )
    return secret, value


def retire_secret(
    session: Session, *, lender_id: int, secret_id: int, actor: Actor, now: datetime | None = None
) -> WebhookSecret:
    """Stop signing with a secret at once (a bank that finished rotating, or a leaked secret)."""
    now = now or utcnow()
    secret = next(
        (
            s
            for s in repository.secrets_of(session, lender_id, for_update=True)
            if s.id == secret_id
        ),
        None,
    )
    if secret is None:
        raise WebhookSecretNotFound(f"webhook secret {secret_id} does not exist")
    if not secret.is_active(now):
        raise WebhookSecretNotActive(f"webhook secret {secret_id} is no longer active")
    secret.retired_at = now
    session.add(secret)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="webhook.secret_retire",
        subject_type=SUBJECT,
        subject_id=lender_id,
        detail={"secret_id": secret_id},
    )
    return secret


def signing_secrets(session: Session, *, now: datetime) -> dict[int, list[str]]:
    """Every bank's active secrets in clear, newest first, by lender id: what signs right now."""
    secrets: dict[int, list[str]] = {}
    for row in repository.active_secrets(session, now=now):
        secrets.setdefault(row.lender_id, []).append(
            crypto.unseal(row.sealed, lender_id=row.lender_id)
        )
    return secrets
