"""The pull feed never skips an event whose transaction commits after a later one was pulled.

Two real connections on PostgreSQL: transaction A publishes event N and stays open while
transaction B publishes N+1 and commits. A pull then, and another after A commits, must
between them hand out both; paging by outbox id alone skipped N for good.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from uuid import uuid4

import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from app.outbox import service as outbox
from app.outbox.models import OutboxEvent
from lenders.delivery import feed
from lenders.institutions.models import Lender

# SQLite has one writer: its ids are always in commit order: nothing to try there.
pytestmark = pytest.mark.postgres_only


@pytest.fixture
def committed_bank(engine: Engine) -> Iterator[str]:
    """A bank committed for real, its events removed afterwards; its code."""
    code = f"feed-{uuid4().hex[:8]}"
    with Session(engine) as session:
        session.add(Lender(code=code, name="拉取测试银行"))
        session.commit()
    yield code
    with Session(engine) as session:
        session.execute(delete(OutboxEvent).where(col(OutboxEvent.lender_code) == code))
        session.execute(delete(Lender).where(col(Lender.code) == code))
        session.commit()


def _pull(engine: Engine, *, code: str, after: str | None) -> tuple[list[str], str]:
    with Session(engine) as reader:
        envelopes, cursor = feed.page(reader, lender_code=code, after=after, limit=100)
    return [str(e["data"]["who"]) for e in envelopes], cursor  # type: ignore[index]


def _pull_until(engine: Engine, *, code: str, after: str, count: int) -> tuple[list[str], str]:
    """Pull until ``count`` events came: any write transaction still open in the cluster (other
    tests' on this server) holds the feed back until it ends, as it must."""
    got: list[str] = []
    deadline = time.monotonic() + 60
    while len(got) < count and time.monotonic() < deadline:
        more, after = _pull(engine, code=code, after=after)
        got += more
        if len(got) < count:
            time.sleep(0.2)
    return got, after


def test_an_event_committed_after_a_later_one_was_pulled_is_still_delivered(
    engine: Engine, committed_bank: str
) -> None:
    slow = Session(engine)
    try:
        [first] = outbox.publish(
            slow, topic="lead.created", lender_codes=[committed_bank], payload={"who": "A"}
        )
        with Session(engine) as quick:
            [second] = outbox.publish(
                quick, topic="lead.created", lender_codes=[committed_bank], payload={"who": "B"}
            )
            assert first.id is not None and second.id is not None and first.id < second.id
            quick.commit()
        seen, cursor = _pull(engine, code=committed_bank, after=None)
        assert "A" not in seen  # not committed yet: nobody can see it
        slow.commit()
    finally:
        slow.close()
    later, cursor = _pull_until(engine, code=committed_bank, after=cursor, count=2 - len(seen))
    assert sorted(seen + later) == ["A", "B"]  # each once, none skipped
    assert _pull(engine, code=committed_bank, after=cursor)[0] == []
