"""The events feed a bank pulls: its own events in creation order, after an opaque cursor.

The cursor encodes the position of the last event the bank has seen: its writing transaction's
id and its outbox id (app.core.xact). An event enters the feed only once every transaction
older than its own has ended, so one that commits late is held back, never skipped: a pull
may wait as long as the longest writing transaction, but what it hands out is final. Pulling
changes nothing: an event is in the feed whether or not its webhook was acknowledged, so a
bank may push, pull or both.
"""

from __future__ import annotations

import base64
import binascii
import re

from sqlmodel import Session

from lenders.delivery import envelope, repository
from lenders.delivery.exceptions import InvalidCursor

_PREFIX = "o2:"
_LEGACY_PREFIX = "o1:"  # outbox id only, given out before events had a transaction id (all 0)
_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NUMBER = re.compile(r"[0-9]{1,18}")
_POSITION = re.compile(r"([0-9]{1,18}):([0-9]{1,18})")

Position = tuple[int, int]  # (writing transaction id, outbox id)


def encode_cursor(position: Position) -> str:
    """The cursor after the event at ``position``; ``START`` is the one before everything."""
    xact_id, outbox_id = position
    raw = f"{_PREFIX}{xact_id}:{outbox_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


START = encode_cursor((0, 0))


def decode_cursor(cursor: str | None) -> Position:
    """The position a cursor stands for; InvalidCursor (422) for anything not given out."""
    if cursor is None or cursor == "":
        return (0, 0)
    if not _CURSOR.fullmatch(cursor):
        raise InvalidCursor("the cursor is not one the platform gave out; omit it to start over")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(
            "the cursor is not one the platform gave out; omit it to start over"
        ) from error
    if raw.startswith(_LEGACY_PREFIX) and _NUMBER.fullmatch(raw.removeprefix(_LEGACY_PREFIX)):
        return (0, int(raw.removeprefix(_LEGACY_PREFIX)))
    position = _POSITION.fullmatch(raw.removeprefix(_PREFIX))
    if not raw.startswith(_PREFIX) or position is None:
        raise InvalidCursor("the cursor is not one the platform gave out; omit it to start over")
    return (int(position.group(1)), int(position.group(2)))


def page(
    session: Session, *, lender_code: str, after: str | None, limit: int
) -> tuple[list[dict[str, object]], str]:
    """Up to ``limit`` envelopes after ``after`` and the cursor to continue from."""
    position = decode_cursor(after)
    rows = repository.feed(session, lender_code=lender_code, after=position, limit=limit)
    if rows:
        assert rows[-1].id is not None
        position = (rows[-1].xact_id, rows[-1].id)
    return [envelope.envelope(row) for row in rows], encode_cursor(position)
