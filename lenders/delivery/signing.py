"""Webhook signatures: ``XYD-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``.

The platform signs every webhook body with the bank's secret (SPEC §6). A receiver recomputes
the HMAC over the exact bytes it received, compares in constant time, and refuses a timestamp
more than ``tolerance`` seconds (300 by default) from its own clock, which bounds replays.

Rotation: while a bank moves to a new secret the platform signs with both, so the header
carries one ``v1=`` entry per secret and a receiver holding either secret accepts it. A receiver
may in the same way hold both secrets and accept a header signed with either.

Storage is not done here. The platform needs the secret itself to sign, so it keeps webhook
secrets encrypted (never only hashed), shows a new one to the bank once, and never logs it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from secrets import token_urlsafe

from lenders.delivery.exceptions import (
    MalformedSignatureHeader,
    NoMatchingSignature,
    TimestampOutsideTolerance,
)

HEADER = "XYD-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not a secret
SECRET_BYTES = 32  # 256 bits of randomness, as many as the HMAC's output

# A header far longer than a timestamp and a few signatures is refused before any parsing work.
MAX_HEADER_LENGTH = 1024
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_HEX_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True, slots=True)
class ParsedHeader:
    """An ``XYD-Signature`` header taken apart: its timestamp and its ``v1`` signatures."""

    timestamp: int
    signatures: tuple[str, ...]


def generate_secret() -> str:
    """A new webhook secret for a bank: ``whsec_`` and 43 URL-safe characters."""
    return SECRET_PREFIX + token_urlsafe(SECRET_BYTES)


def compute_signature(body: bytes, secret: str, *, timestamp: int) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    if not secret:
        raise ValueError("a webhook secret cannot be empty")
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, *more_secrets: str, timestamp: int) -> str:
    """The ``XYD-Signature`` header value for ``body``: one ``v1`` entry per secret given.

    Pass the new secret and then the old one while a bank rotates: ``sign(body, new, old, ...)``.
    """
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError(f"timestamp must be unix seconds, not {timestamp!r}")
    entries = [f"t={timestamp}"]
    entries += [
        f"{SCHEME}={compute_signature(body, key, timestamp=timestamp)}"
        for key in (secret, *more_secrets)
    ]
    return ",".join(entries)


def parse_header(header: str) -> ParsedHeader:
    """Take a header apart; ``MalformedSignatureHeader`` says what is wrong with it.

    Entries of other schemes (``v0=``, a future ``v2=``) are ignored, so the platform can add a
    scheme without breaking receivers; at least one ``v1`` entry is required.
    """
    if not header or not header.strip():
        raise MalformedSignatureHeader(f"the {HEADER} header is empty")
    if len(header) > MAX_HEADER_LENGTH:
        raise MalformedSignatureHeader(
            f"the {HEADER} header is longer than {MAX_HEADER_LENGTH} characters"
        )
    timestamps: list[str] = []
    signatures: list[str] = []
    for raw in header.split(","):
        key, sep, value = raw.strip().partition("=")
        if not sep or not key or not value:
            raise MalformedSignatureHeader(
                f"{raw.strip()!r} in the {HEADER} header is not of the form key=value"
            )
        if key == "t":
            timestamps.append(value)
        elif key == SCHEME:
            if not _HEX_SIGNATURE.fullmatch(value):
                raise MalformedSignatureHeader(f"a {SCHEME} signature must be 64 hex digits")
            signatures.append(value.lower())
    if len(timestamps) != 1:
        raise MalformedSignatureHeader(
            f"the {HEADER} header needs exactly one t=, found {len(timestamps)}"
        )
    if not _TIMESTAMP.fullmatch(timestamps[0]):
        raise MalformedSignatureHeader(f"t={timestamps[0]} is not a timestamp in unix seconds")
    if not signatures:
        raise MalformedSignatureHeader(f"the {HEADER} header has no {SCHEME}= signature")
    return ParsedHeader(timestamp=int(timestamps[0]), signatures=tuple(signatures))


def verify(
    header: str,
    body: bytes,
    secrets: Sequence[str],
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE,
) -> None:
    """Return if ``header`` signs ``body`` under one of ``secrets`` within ``tolerance``; raise.

    Raises ``MalformedSignatureHeader``, ``NoMatchingSignature`` or
    ``TimestampOutsideTolerance`` (all ``SignatureError``). The signature is checked before the
    timestamp, so a timestamp error is only ever reported for an authentic message: a replay or
    a clock that is off, which is what the receiver's operator needs to know.
    """
    if isinstance(secrets, str):
        raise TypeError("secrets must be a sequence of secrets, not one string")
    if not secrets:
        raise ValueError("verify needs at least one secret")
    if tolerance < 0:
        raise ValueError("tolerance cannot be negative")
    parsed = parse_header(header)
    expected = [compute_signature(body, key, timestamp=parsed.timestamp) for key in secrets]
    # compare_digest: the time taken says nothing about how much of a forged signature was right.
    if not any(
        hmac.compare_digest(mine, theirs) for mine in expected for theirs in parsed.signatures
    ):
        raise NoMatchingSignature(
            f"no {SCHEME} signature in the {HEADER} header matches this body "
            f"under the {len(secrets)} secret(s) held"
        )
    age = now - parsed.timestamp
    if age > tolerance:
        raise TimestampOutsideTolerance(
            f"the signature is {age} s old, more than the {tolerance} s allowed (a replay?)"
        )
    if -age > tolerance:
        raise TimestampOutsideTolerance(
            f"the signature is dated {-age} s in the future, more than the {tolerance} s "
            "allowed (is a clock wrong?)"
        )
