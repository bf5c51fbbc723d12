"""The events feed a bank pulls: its own events in creation order, after an opaque cursor.

The cursor encodes the last outbox row the bank has seen. Pulling changes nothing: an event is
in the feed whether or not its webhook was acknowledged, so a bank may push, pull or both.
"""

from __future__ import annotations

import base64
import binascii
import re

from sqlmodel import Session

from lenders.delivery import envelope, repository
from lenders.delivery.exceptions import InvalidCursor

_PREFIX = "o1:"
_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,64}")


def encode_cursor(outbox_id: int) -> str:
    """The cursor after the outbox row ``outbox_id``; ``start`` is the one before everything."""
    raw = f"{_PREFIX}{outbox_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


START = encode_cursor(0)


def decode_cursor(cursor: str | None) -> int:
    """The outbox id a cursor stands for; InvalidCursor (422) for anything not given out."""
    if cursor is None or cursor == "":
        return 0
    if not _CURSOR.fullmatch(cursor):
        raise InvalidCursor("the cursor is not one the platform gave out; omit it to start over")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(
            "the cursor is not one the platform gave out; omit it to start over"
        ) from error
    number = raw.removeprefix(_PREFIX)
    if not raw.startswith(_PREFIX) or not number.isdigit() or len(number) > 18:
        raise InvalidCursor("the cursor is not one the platform gave out; omit it to start over")
    return int(number)


def page(
    session: Session, *, lender_code: str, after: str | None, limit: int
) -> tuple[list[dict[str, object]], str]:
    """Up to ``limit`` envelopes after ``after`` and the cursor to continue from."""
    after_id = decode_cursor(after)
    rows = repository.feed(session, lender_code=lender_code, after_id=after_id, limit=limit)
    last = rows[-1].id if rows else after_id
    assert last is not None
    return [envelope.envelope(row) for row in rows], encode_cursor(last)
