"""The bank's dead letters (死信) page under its integration settings, and redelivery."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.outbox.models import DeliveryStatus, OutboxEvent
from app.pages.routes.bank_deliveries import topic_label
from tests.api.test_lender_deliveries_api import dead_letter
from tests.pages.bank_world import banks, post

HERE = "/bank/integration/dead-letters"


def stored(db: Session, event: OutboxEvent) -> OutboxEvent:
    db.expire_all()
    return db.exec(select(OutboxEvent).where(OutboxEvent.event_id == event.event_id)).one()


def audited(db: Session, event: OutboxEvent) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.subject_id == event.event_id)))


def test_the_page_lists_the_banks_own_dead_letters(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    own = dead_letter(db, world.bank, lead_id=313)
    theirs = dead_letter(db, world.other)
    db.commit()
    settings = client.get("/bank/integration").text
    assert f'href="{HERE}"' in settings and "（1 条）" in settings
    page = client.get(HERE)
    assert page.status_code == 200
    assert own.event_id[:8] in page.text and theirs.event_id[:8] not in page.text
    assert "新推荐线索" in page.text and 'href="/bank/leads/313"' in page.text
    assert '<td data-label="最后一次错误">HTTP 500</td>' in page.text
    assert f'action="{HERE}/{own.event_id}/redeliver"' in page.text
    assert f"{HERE}/{theirs.event_id}/redeliver" not in page.text


def test_an_empty_list_says_so(client: TestClient, db: Session) -> None:
    banks(db, client)
    page = client.get(HERE)
    assert page.status_code == 200 and "没有死信" in page.text


def test_redelivering_puts_the_event_back_in_line_with_a_notice(
    client: TestClient, db: Session, sent_tasks: list[tuple[str, dict[str, object]]]
) -> None:
    world = banks(db, client)
    event = dead_letter(db, world.bank)
    db.commit()
    answer = post(client, f"{HERE}/{event.event_id}/redeliver", {}, form=HERE)
    assert answer.status_code == 303 and answer.headers["location"] == f"{HERE}?redelivered=1"
    assert stored(db, event).status is DeliveryStatus.PENDING
    (audit,) = audited(db, event)
    assert audit.action == "delivery.redeliver" and audit.actor_role == "lender_user"
    assert ("lenders.deliver_due", {}) in sent_tasks
    page = client.get(answer.headers["location"]).text
    assert "已重新投递" in page and event.event_id[:8] not in page  # no longer a dead letter


def test_a_letter_no_longer_dead_is_refused_in_chinese(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    event = dead_letter(db, world.bank)
    db.commit()
    assert post(client, f"{HERE}/{event.event_id}/redeliver", {}, form=HERE).status_code == 303
    again = post(client, f"{HERE}/{event.event_id}/redeliver", {}, form=HERE)
    assert again.status_code == 409 and "该事件不在死信中" in again.text
    assert len(audited(db, event)) == 1


@pytest.mark.parametrize(
    ("which", "status"),
    [("theirs", 404), ("missing", 404), ("not-hex!", 422), ("a" * 33, 422), ("f" * 5000, 422)],
)
def test_another_banks_or_a_bad_event_is_refused_and_nothing_changes(
    client: TestClient, db: Session, which: str, status: int
) -> None:
    world = banks(db, client)
    theirs = dead_letter(db, world.other)
    db.commit()
    event_id = {"theirs": theirs.event_id, "missing": "0" * 32}.get(which, which)
    answer = post(client, f"{HERE}/{event_id}/redeliver", {}, form=HERE)
    assert answer.status_code == status and "<html" in answer.text
    assert stored(db, theirs).status is DeliveryStatus.DEAD and audited(db, theirs) == []


def test_redelivery_without_the_forms_token_is_refused(client: TestClient, db: Session) -> None:
    world = banks(db, client)
    event = dead_letter(db, world.bank)
    db.commit()
    answer = client.post(f"{HERE}/{event.event_id}/redeliver", follow_redirects=False)
    assert answer.status_code == 403 and "表单已过期" in answer.text
    assert stored(db, event).status is DeliveryStatus.DEAD


@pytest.mark.parametrize(
    ("topic", "label"),
    [
        ("lead.created", "新推荐线索"),
        ("lead.accepted", "线索状态：已受理"),
        ("whitelist.exited", "企业退出白名单"),
        ("something.new", "something.new"),
    ],
)
def test_event_types_are_named_in_words(topic: str, label: str) -> None:
    assert topic_label(topic) == label
