"""Webhook secrets at rest: sealed with AES-GCM, bound to their bank, opened only with the key."""

import pytest

from app.core import db as core_db
from lenders.delivery.crypto import SecretUnreadable, seal, unseal


def test_a_sealed_secret_opens_to_itself_and_does_not_show_it() -> None:
    sealed = seal("whsec_abc123", lender_id=7)
    assert b"whsec_abc123" not in sealed
    assert unseal(sealed, lender_id=7) == "whsec_abc123"
    assert seal("whsec_abc123", lender_id=7) != sealed  # a fresh nonce every time


def test_a_secret_moved_to_another_bank_does_not_open() -> None:
    with pytest.raises(SecretUnreadable):
        unseal(seal("whsec_abc123", lender_id=7), lender_id=8)


def test_an_altered_secret_does_not_open() -> None:
    sealed = bytearray(seal("whsec_abc123", lender_id=7))
    sealed[-1] ^= 1
    with pytest.raises(SecretUnreadable):
        unseal(bytes(sealed), lender_id=7)


def test_another_platform_key_does_not_open(monkeypatch: pytest.MonkeyPatch) -> None:
    sealed = seal("whsec_abc123", lender_id=7)
    monkeypatch.setenv("XYD_SECRET_KEY", "another-secret-key-that-is-long-enough-000000")
    core_db.reset_caches()
    try:
        with pytest.raises(SecretUnreadable):
            unseal(sealed, lender_id=7)
    finally:
        monkeypatch.undo()
        core_db.reset_caches()
