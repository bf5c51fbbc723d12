"""Errors of webhook delivery: signatures, webhook URLs and secrets, the feed, dead letters."""

from __future__ import annotations

from app.core.errors import Conflict, InvalidInput, NotFound


class SignatureError(Exception):
    """An ``XYD-Signature`` header does not prove that the platform sent this body just now.

    Not a ``DomainError``: the platform signs and never receives signed webhooks, so these are
    raised by ``signing.verify`` for banks' receivers (and our tests), never mapped to HTTP.
    """


class MalformedSignatureHeader(SignatureError):
    """The header is not ``t=<unix seconds>,v1=<64 hex digits>[,v1=...]``."""


class TimestampOutsideTolerance(SignatureError):
    """The signed timestamp is further from now than the tolerance: a replay, or a wrong clock."""


class NoMatchingSignature(SignatureError):
    """No ``v1`` signature matches the body under any of the receiver's secrets."""


class InvalidWebhookUrl(InvalidInput):
    """A bank's webhook URL that the platform will not deliver to; the message says why."""

    code = "invalid_webhook_url"


class WebhookHostUnresolvable(Exception):
    """DNS gave no address for the webhook's host right now; delivery retries later."""


class WebhookSecretNotFound(NotFound):
    """No such secret for the caller's bank (another bank's answers the same)."""

    code = "webhook_secret_not_found"


class TooManyWebhookSecrets(Conflict):
    """A bank holds at most two active secrets: retire one before creating another."""

    code = "too_many_webhook_secrets"


class WebhookSecretNotActive(Conflict):
    """The secret is already retired or past its grace period."""

    code = "webhook_secret_not_active"


class InvalidCursor(InvalidInput):
    """The ``after`` cursor of the events feed is not one the platform gave out."""

    code = "invalid_cursor"


class DeliveryNotFound(NotFound):
    """No outbox event with this id."""

    code = "delivery_not_found"


class DeliveryNotDead(Conflict):
    """Only a dead-lettered (死信) event can be redelivered; a pending one is still retried."""

    code = "delivery_not_dead"
