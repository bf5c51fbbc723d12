"""Errors of webhook delivery: signatures (for receivers and tests) and webhook URLs."""

from __future__ import annotations

from app.core.errors import InvalidInput


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
