from datetime import timedelta

import jwt

from app.core import security
from app.core.config import get_settings


def test_password_hash_is_argon2_and_verifies() -> None:
    hashed = security.hash_password("s3cret-passphrase")
    assert hashed.startswith("$argon2id$")
    assert security.verify_password("s3cret-passphrase", hashed)
    assert not security.verify_password("wrong", hashed)
    assert not security.verify_password("anything", "not-a-hash")


def test_token_round_trip_and_tamper() -> None:
    token = security.create_access_token(subject="42", claims={"role": "office"})
    claims = security.decode_access_token(token)
    assert claims is not None and claims["sub"] == "42" and claims["role"] == "office"
    assert security.decode_access_token(token[:-2] + "xx") is None
    forged = jwt.encode({"sub": "1"}, "another-key", algorithm="HS256")
    assert security.decode_access_token(forged) is None


def test_expired_token_is_refused() -> None:
    past = security.utcnow() - timedelta(hours=1)
    token = jwt.encode(
        {"sub": "1", "exp": int(past.timestamp())},
        get_settings().security.secret_key,
        algorithm="HS256",
    )
    assert security.decode_access_token(token) is None


def test_api_key_format_and_digest() -> None:
    key, prefix = security.new_api_key()
    assert key.startswith(f"xyd_{prefix}_") and security.split_api_key(key) == prefix
    assert security.split_api_key("xyd_short_abc") is None
    assert security.split_api_key("Bearer abc") is None
    assert security.digest_api_key(key) != key and len(security.digest_api_key(key)) == 64


def test_keyed_digest_depends_on_purpose() -> None:
    assert security.keyed_digest("张三", purpose="a") != security.keyed_digest("张三", purpose="b")
    assert security.keyed_digest("张三", purpose="a") == security.keyed_digest("张三", purpose="a")
