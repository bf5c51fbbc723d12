"""Webhook secrets at rest: AES-256-GCM under a key derived from ``XYD_SECRET_KEY`` (HKDF).

The platform must sign with a bank's secret, so it keeps the secret itself, sealed: a copy of
the database alone reveals nothing. Each secret is bound to its bank (associated data), so a
sealed value moved to another bank's row does not open.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.config import get_settings

NONCE_BYTES = 12
_INFO = b"xinyidai webhook secrets v1"


class SecretUnreadable(Exception):
    """A sealed secret does not open: the platform's secret key changed, or the row was altered."""


@lru_cache(maxsize=4)
def _key(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode("utf-8")
    )


def seal(secret: str, *, lender_id: int) -> bytes:
    """The stored form of ``secret``: a fresh nonce followed by ciphertext and tag."""
    nonce = os.urandom(NONCE_BYTES)
    aead = AESGCM(_key(get_settings().security.secret_key))
    return nonce + aead.encrypt(nonce, secret.encode("utf-8"), _aad(lender_id))


def unseal(sealed: bytes, *, lender_id: int) -> str:
    """The secret that ``seal`` stored for ``lender_id``; SecretUnreadable when it cannot be."""
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    aead = AESGCM(_key(get_settings().security.secret_key))
    try:
        return aead.decrypt(nonce, body, _aad(lender_id)).decode("utf-8")
    except (InvalidTag, ValueError) as error:
        raise SecretUnreadable(
            f"a webhook secret of lender {lender_id} cannot be opened"
        ) from error


def _aad(lender_id: int) -> bytes:
    return f"lender:{lender_id}".encode("ascii")
