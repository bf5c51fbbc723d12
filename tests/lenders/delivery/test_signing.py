import hashlib
import hmac

import pytest

from lenders.delivery.exceptions import (
    MalformedSignatureHeader,
    NoMatchingSignature,
    SignatureError,
    TimestampOutsideTolerance,
)
from lenders.delivery.signing import (
    SECRET_PREFIX,
    generate_secret,
    parse_header,
    sign,
    verify,
)

SECRET = "whsec_test_secret"
T = 1700000000
BODY = b'{"id":"evt_1","type":"lead.created"}'
GOLDEN = "60ed53ba79e96e248684e99d6e2447283f8e6912cf39c6fd5022841191419b65"


def test_golden_vector() -> None:
    assert sign(BODY, SECRET, timestamp=T) == f"t={T},v1={GOLDEN}"
    verify(f"t={T},v1={GOLDEN}", BODY, [SECRET], now=T)


def test_golden_vector_is_plain_hmac_sha256_of_t_dot_body() -> None:
    # What a bank writes in any language: HMAC-SHA256(secret, "<t>.<body>"), hex.
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert expected == GOLDEN


@pytest.mark.parametrize("position", [0, 10, len(BODY) - 1])
def test_a_changed_byte_fails(position: int) -> None:
    header = sign(BODY, SECRET, timestamp=T)
    tampered = bytearray(BODY)
    tampered[position] ^= 0x01
    with pytest.raises(NoMatchingSignature, match="matches this body"):
        verify(header, bytes(tampered), [SECRET], now=T)


def test_a_changed_timestamp_fails() -> None:
    # The timestamp is signed too: moving it forward to pass the tolerance breaks the signature.
    header = sign(BODY, SECRET, timestamp=T).replace(f"t={T}", f"t={T + 1000}")
    with pytest.raises(NoMatchingSignature):
        verify(header, BODY, [SECRET], now=T + 1000)


def test_a_wrong_secret_fails() -> None:
    with pytest.raises(NoMatchingSignature):
        verify(sign(BODY, SECRET, timestamp=T), BODY, ["whsec_other"], now=T)


@pytest.mark.parametrize("age", [0, 1, 299, 300])
def test_within_tolerance_passes(age: int) -> None:
    verify(sign(BODY, SECRET, timestamp=T), BODY, [SECRET], now=T + age)
    verify(sign(BODY, SECRET, timestamp=T), BODY, [SECRET], now=T - age)


def test_stale_timestamp_fails() -> None:
    with pytest.raises(TimestampOutsideTolerance, match="301 s old"):
        verify(sign(BODY, SECRET, timestamp=T), BODY, [SECRET], now=T + 301)


def test_future_timestamp_beyond_tolerance_fails() -> None:
    with pytest.raises(TimestampOutsideTolerance, match="301 s in the future"):
        verify(sign(BODY, SECRET, timestamp=T), BODY, [SECRET], now=T - 301)


def test_tolerance_is_the_receivers_choice() -> None:
    header = sign(BODY, SECRET, timestamp=T)
    verify(header, BODY, [SECRET], now=T + 3600, tolerance=3600)
    with pytest.raises(TimestampOutsideTolerance):
        verify(header, BODY, [SECRET], now=T + 61, tolerance=60)


def test_a_forged_header_with_a_bad_timestamp_says_no_match_not_stale() -> None:
    # The signature is checked first: a timestamp error always concerns an authentic message.
    with pytest.raises(NoMatchingSignature):
        verify(f"t={T},v1={'0' * 64}", BODY, [SECRET], now=T + 10_000)


def test_rotation_platform_signs_with_both_secrets() -> None:
    old, new = "whsec_old", "whsec_new"
    header = sign(BODY, new, old, timestamp=T)
    assert header.count("v1=") == 2
    assert header.startswith(f"t={T},v1=")
    # A receiver not yet switched, one switched, and one holding both all accept it.
    verify(header, BODY, [old], now=T)
    verify(header, BODY, [new], now=T)
    verify(header, BODY, [old, new], now=T)
    with pytest.raises(NoMatchingSignature):
        verify(header, BODY, ["whsec_unrelated"], now=T)


def test_rotation_receiver_holding_both_secrets_accepts_either() -> None:
    old, new = "whsec_old", "whsec_new"
    verify(sign(BODY, old, timestamp=T), BODY, [new, old], now=T)
    verify(sign(BODY, new, timestamp=T), BODY, [new, old], now=T)


def test_each_entry_is_the_signature_under_its_secret() -> None:
    header = sign(BODY, SECRET, "whsec_second", timestamp=T)
    assert parse_header(header).signatures[0] == GOLDEN


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (f"v1={GOLDEN}", "exactly one t="),
        (f"t={T},t={T},v1={GOLDEN}", "exactly one t="),
        (f"t={T}", "no v1= signature"),
        (f"t={T},v0={GOLDEN}", "no v1= signature"),
        (f"t=abc,v1={GOLDEN}", "not a timestamp"),
        (f"t=-{T},v1={GOLDEN}", "not a timestamp"),
        (f"t={T}.5,v1={GOLDEN}", "not a timestamp"),
        (f"t=,v1={GOLDEN}", "key=value"),
        (f"t={T},v1=", "key=value"),
        (f"t={T};v1={GOLDEN}", "not a timestamp"),
        (f"t={T},{GOLDEN}", "key=value"),
        (f"t={T},v1={GOLDEN[:-1]}", "64 hex digits"),
        (f"t={T},v1={GOLDEN}00", "64 hex digits"),
        (f"t={T},v1={'g' * 64}", "64 hex digits"),
        (f"t={T}," + ",".join([f"v1={GOLDEN}"] * 20), "longer than"),
    ],
)
def test_malformed_headers(header: str, reason: str) -> None:
    with pytest.raises(MalformedSignatureHeader, match=reason):
        verify(header, BODY, [SECRET], now=T)


@pytest.mark.parametrize(
    "header",
    [
        f"t={T}, v1={GOLDEN}",  # a blank after the comma
        f"v1={GOLDEN},t={T}",  # any order
        f"t={T},v1={GOLDEN.upper()}",  # hex in capitals
        f"t={T},v0=legacy,v1={GOLDEN},v2=future",  # other schemes are ignored
    ],
)
def test_tolerated_header_variants(header: str) -> None:
    verify(header, BODY, [SECRET], now=T)


def test_every_error_is_a_signature_error() -> None:
    for error in (MalformedSignatureHeader, NoMatchingSignature, TimestampOutsideTolerance):
        assert issubclass(error, SignatureError)


def test_misuse_is_a_programming_error_not_a_signature_error() -> None:
    header = sign(BODY, SECRET, timestamp=T)
    with pytest.raises(TypeError, match="sequence of secrets"):
        verify(header, BODY, SECRET, now=T)
    with pytest.raises(ValueError, match="at least one secret"):
        verify(header, BODY, [], now=T)
    with pytest.raises(ValueError, match="cannot be empty"):
        sign(BODY, "", timestamp=T)
    with pytest.raises(ValueError, match="unix seconds"):
        sign(BODY, SECRET, timestamp=-1)


def test_generated_secrets() -> None:
    first, second = generate_secret(), generate_secret()
    assert first != second
    assert first.startswith(SECRET_PREFIX)
    token = first.removeprefix(SECRET_PREFIX)
    assert len(token) >= 43  # 32 random bytes
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    verify(sign(BODY, first, timestamp=T), BODY, [first], now=T)
