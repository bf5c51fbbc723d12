"""The envelope a bank receives, and the opaque cursor of the events feed."""

import base64
import json
from datetime import UTC, datetime

import pytest

from app.outbox.models import OutboxEvent
from lenders.delivery import envelope
from lenders.delivery.exceptions import InvalidCursor
from lenders.delivery.feed import START, decode_cursor, encode_cursor


def test_the_body_is_the_envelope_in_compact_utf8_json() -> None:
    event = OutboxEvent(
        event_id="e" * 32,
        topic="lead.created",
        lender_code="bank-1",
        payload={"name": "湖州恒兴", "amount_fen": 50000000},
        created_at=datetime(2026, 12, 1, 10, 0, 0, 123, tzinfo=UTC),
        give_up_at=datetime(2026, 12, 4, tzinfo=UTC),
    )
    body = envelope.body(event)
    assert (
        body
        == (
            '{"id":"' + "e" * 32 + '","type":"lead.created","created_at":'
            '"2026-12-01T10:00:00.000123Z","data":{"name":"湖州恒兴","amount_fen":50000000}}'
        ).encode()
    )
    assert json.loads(body) == envelope.envelope(event)
    assert envelope.body(event) == body  # the same bytes on every retry


def test_cursors_round_trip_and_are_opaque() -> None:
    assert decode_cursor(encode_cursor((987654, 12345))) == (987654, 12345)
    assert decode_cursor(START) == (0, 0) == decode_cursor(None)
    assert "12345" not in encode_cursor((987654, 12345))


def test_a_cursor_given_out_before_transaction_ids_still_works() -> None:
    legacy = base64.urlsafe_b64encode(b"o1:12345").decode().rstrip("=")
    assert decode_cursor(legacy) == (0, 12345)  # events from before all have transaction id 0


@pytest.mark.parametrize(
    "bad",
    [
        "nope",
        "bzE6LTE",
        "!!!",
        "eDox",
        "bzE6" + "MTIz" * 10,
        "bzI6MTI",
        "bzI6OjI",
        "bzI6MToyOjM",
        "bzI6MTIzOg",
    ],
)
def test_a_cursor_not_given_out_is_refused(bad: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(bad)
