"""Password hashing (Argon2), access tokens (JWT) and API-key material."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.core.clock import utcnow
from app.core.config import get_settings

JWT_ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "jti", "iat", "exp")
API_KEY_PREFIX = "xyd"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """True when ``password`` matches; never raises on a malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(*, subject: str, claims: dict[str, Any] | None = None) -> str:
    """A short-lived signed token naming the user."""
    settings = get_settings()
    now = utcnow()
    payload = {
        "sub": subject,
        "jti": secrets.token_hex(16),  # names this token, so signing out can revoke it
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=settings.security.access_token_minutes)).timestamp()),
        **(claims or {}),
    }
    return jwt.encode(payload, settings.security.secret_key, algorithm=JWT_ALGORITHM)


def decode_access_token(token: str) -> dict[str, Any] | None:
    """The token's claims, or None when it is forged, malformed, expired or lacks a claim."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            get_settings().security.secret_key,
            algorithms=[JWT_ALGORITHM],
            # Without exp a token would be good forever; without jti it could not be revoked.
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.PyJWTError:
        return None
    return claims


def new_api_key() -> tuple[str, str]:
    """A fresh API key and its public lookup prefix: ``xyd_<prefix>_<secret>``."""
    prefix = secrets.token_hex(6)
    return f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def split_api_key(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def digest_api_key(key: str) -> str:
    """The stored form of an API key. Keys carry 256 bits of entropy, so SHA-256 suffices."""
    return hashlib.sha256(key.encode()).hexdigest()


def keyed_digest(value: str, *, purpose: str) -> str:
    """An HMAC of personal data (a legal representative's name): matchable, not readable."""
    key = hashlib.sha256(f"{purpose}:{get_settings().security.secret_key}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def constant_time_equals(left: str, right: str) -> bool:
    """Compare secrets without leaking their length of common prefix through timing."""
    return hmac.compare_digest(left.encode(), right.encode())
